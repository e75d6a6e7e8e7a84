// Three-way merge of a flowchart at the level of activities and connections: what I changed since I opened
// it is put on top of what someone else saved meanwhile; an activity we both changed differently keeps their
// version and is reported, so nobody's work is silently lost.
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
      conflicts.push(id);
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
