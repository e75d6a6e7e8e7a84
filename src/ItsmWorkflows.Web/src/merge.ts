// Three-way merge of a flowchart at the level of activities and connections: what I changed since I opened
// it is put on top of what someone else saved meanwhile; an activity we both changed is merged field by field,
// and a field we both changed differently keeps their value and is reported, so nobody's work is silently lost.
import { rootFlowchart, type ActivityJson } from "./model";

interface ConnectionJson { source: { activity: string; port?: string }; target: { activity: string; port?: string } }

const key = (c: ConnectionJson) => `${c.source.activity}|${c.source.port ?? "Done"}|${c.target.activity}`;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
// Positions are layout, not logic: a move never makes a conflict.
const logic = (a?: ActivityJson) => (a ? { ...a, metadata: undefined } : undefined);

export interface MergeResult { definition: Record<string, unknown>; kept: number; conflicts: string[] }

export function mergeDefinitions(base: Record<string, unknown>, mine: Record<string, unknown>, theirs: Record<string, unknown>): MergeResult {
  const list = (d: Record<string, unknown>) => new Map(((rootFlowchart(d)?.activities as ActivityJson[]) ?? []).map((a) => [a.id, a]));
  const links = (d: Record<string, unknown>) => new Map(((rootFlowchart(d)?.connections as ConnectionJson[]) ?? []).map((c) => [key(c), c]));
  const [b, m, t] = [list(base), list(mine), list(theirs)];
  const result = new Map(t);
  const conflicts: string[] = [];
  let kept = 0;
  for (const id of new Set([...b.keys(), ...m.keys()])) {
    const before = b.get(id), mineNow = m.get(id), theirsNow = t.get(id);
    if (same(before, mineNow)) continue; // I did not touch it: theirs stands
    if (same(logic(before), logic(theirsNow)) || same(logic(mineNow), logic(theirsNow))) {
      if (mineNow) result.set(id, mineNow); else result.delete(id);
      kept++;
    } else if (!same(logic(before), logic(mineNow))) {
      // Both changed it: field by field, mine where only I changed a field, theirs where we both did (reported).
      const fields = before && mineNow && theirsNow ? mergeFields(before, mineNow, theirsNow) : null;
      if (fields === null) {
        conflicts.push(id); // one of us removed it, the other changed it
      } else {
        result.set(id, fields.merged);
        if (fields.mine > 0) kept++;
        if (fields.clashes.length > 0) conflicts.push(`${id} (${fields.clashes.join(", ")})`);
      }
    } else if (mineNow && theirsNow) {
      // Only my layout changed: keep their logic at my position.
      result.set(id, { ...theirsNow, metadata: mineNow.metadata });
      kept++;
    }
  }
  const [bl, ml, tl] = [links(base), links(mine), links(theirs)];
  const connections = new Map(tl);
  for (const [k, c] of ml) if (!bl.has(k)) { connections.set(k, c); kept++; }
  for (const k of bl.keys()) if (!ml.has(k) && connections.delete(k)) kept++;
  // A connection may not point at an activity the merge removed.
  for (const [k, c] of connections) if (!result.has(c.source.activity) || !result.has(c.target.activity)) connections.delete(k);
  const root = rootFlowchart(theirs) ?? {};
  return {
    definition: { ...theirs, variables: same(base.variables, mine.variables) ? theirs.variables : mine.variables, root: { ...root, activities: [...result.values()], connections: [...connections.values()] } },
    kept,
    conflicts,
  };
}

/** One activity both sides changed: each field (name, an input, its layout) three-way on its own. */
function mergeFields(base: ActivityJson, mine: ActivityJson, theirs: ActivityJson) {
  const merged: Record<string, unknown> = { ...theirs };
  const clashes: string[] = [];
  let taken = 0;
  const b = base as Record<string, unknown>, m = mine as Record<string, unknown>, t = theirs as Record<string, unknown>;
  for (const field of new Set([...Object.keys(b), ...Object.keys(m), ...Object.keys(t)])) {
    if (same(b[field], m[field])) continue; // mine is as it was: theirs stands
    if (same(b[field], t[field]) || same(m[field], t[field])) {
      if (field in m) merged[field] = m[field]; else delete merged[field];
      if (field !== "metadata") taken++;
    } else if (field !== "metadata") {
      clashes.push(field);
    }
  }
  return { merged: merged as ActivityJson, mine: taken, clashes };
}
