import { useEffect, useState } from "react";
import { api, type BulkMigration, type MigrationResult } from "./api";

/** "old=new" pairs (a line or a comma each) to an activity map; blank ones ignored. */
function parseMap(text: string): Record<string, string> | undefined {
  const pairs = text.split(/[\n,]/).map((l) => l.trim()).filter(Boolean).map((l) => l.split("=").map((p) => p.trim()));
  return pairs.length === 0 ? undefined : Object.fromEntries(pairs.filter((p) => p.length === 2 && p[0] && p[1]));
}

/**
 * Moves the running instances of an older version to the published one: first a check of every instance (nothing
 * changes), then the move of those that can, each refused one listed with its reason.
 */
export function MoveInstances({ definitionId, fromVersion, toVersion, onMoved }: { definitionId: string; fromVersion: number; toVersion: number; onMoved?: (left: number) => void }) {
  const [open, setOpen] = useState(false);
  const [renames, setRenames] = useState("");
  const [report, setReport] = useState<BulkMigration | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (dryRun: boolean) => {
    setBusy(true);
    setError(null);
    try {
      // The server takes a portion a call; the report adds them up.
      const map = parseMap(renames);
      let total: BulkMigration | null = null;
      let after: string | null | undefined;
      do {
        const part: BulkMigration = await api.migrateInstances(definitionId, fromVersion, toVersion, dryRun, map, after);
        total = total === null ? part : {
          ...part,
          checked: total.checked + part.checked,
          migrated: total.migrated + part.migrated,
          refused: total.refused + part.refused,
          refusedInstances: [...total.refusedInstances, ...part.refusedInstances].slice(0, 100),
          notes: mergeNotes(total.notes ?? [], part.notes ?? []),
        };
        after = part.next;
      } while (after);
      setReport(total);
      // What is left on the old version: the panel's count follows.
      if (!dryRun) onMoved?.(total.refused);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  if (!open) {
    return <button onClick={() => { setOpen(true); void run(true); }}>Move running instances to v{toVersion}…</button>;
  }
  return (
    <div className="move-instances" role="group" aria-label={`Move running instances of v${fromVersion} to v${toVersion}`}>
      <label>
        Renamed activities (old id = new id, one a line)
        <textarea aria-label="Renamed activities" rows={2} value={renames} onChange={(e) => { setRenames(e.target.value); setReport(null); }} />
      </label>
      {error && <p className="issue" role="alert">{error}</p>}
      {busy && <p className="hint">Checking…</p>}
      {report && (
        <div data-testid="move-report" role="status">
          <p>
            {report.dryRun
              ? `${report.checked} running on v${report.fromVersion}: ${report.migrated} can move to v${report.toVersion}, ${report.refused} cannot. Nothing has changed yet.`
              : `Moved ${report.migrated} of ${report.checked} to v${report.toVersion}; ${report.refused} stay on v${report.fromVersion}.`}
          </p>
          {(report.notes ?? []).length > 0 && (
            <ul className="versions" data-testid="move-notes">
              {(report.notes ?? []).map((n) => <li key={n.note}>{n.note} ({n.instances} instance{n.instances === 1 ? "" : "s"})</li>)}
            </ul>
          )}
          {report.refusedInstances.length > 0 && (
            <ul className="versions">
              {report.refusedInstances.map((r) => (
                <li key={r.instanceId}>
                  <a href={`#/instances/${encodeURIComponent(r.instanceId)}`}>{r.ticket ?? r.instanceId}</a>: {r.issues.map((i) => i.message).join(" ")}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="row">
        {report?.dryRun && report.migrated > 0 && (
          <button disabled={busy} onClick={() => void run(false)}>Move {report.migrated} instance{report.migrated === 1 ? "" : "s"} to v{toVersion}</button>
        )}
        {!report?.dryRun && <button disabled={busy} onClick={() => void run(true)}>Check again</button>}
        {report?.dryRun && renames && <button disabled={busy} onClick={() => void run(true)}>Check with these renames</button>}
        <button onClick={() => { setOpen(false); setReport(null); }}>Close</button>
      </div>
    </div>
  );
}

/** The notes of two portions of a bulk move, each note once with the instances added up. */
function mergeNotes(a: { note: string; instances: number }[], b: { note: string; instances: number }[]) {
  const counts = new Map(a.map((n) => [n.note, n.instances]));
  for (const n of b) counts.set(n.note, (counts.get(n.note) ?? 0) + n.instances);
  return [...counts].map(([note, instances]) => ({ note, instances }));
}

/** One running instance on an older version: check its move to the published version, then move it. */
export function MoveInstance({ instanceId, definitionId, version, onMoved }: { instanceId: string; definitionId: string; version: number; onMoved: () => void }) {
  const [target, setTarget] = useState<number | null>(null);
  const [report, setReport] = useState<MigrationResult | null>(null);
  const [renames, setRenames] = useState("");
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.versions(definitionId).then((vs) => setTarget(vs.find((v) => v.state === "Published")?.version ?? null), () => setTarget(null));
  }, [definitionId]);
  if (target === null || target === version) return null;
  const check = () => api.migrateInstance(instanceId, target, true, parseMap(renames)).then(setReport, (e: Error) => setError(e.message));
  const move = () => api.migrateInstance(instanceId, target, false, parseMap(renames)).then(() => { setReport(null); onMoved(); }, (e: Error) => setError(e.message));
  return (
    <span className="move-instance">
      {!report && <button onClick={() => void check()}>Move to v{target}…</button>}
      {report && (
        <span role="status" data-testid="move-check">
          {report.canMigrate
            ? <>Can move to v{target}{report.notes.length ? `: ${report.notes.join(" ")}` : "."} <button onClick={() => void move()}>Move now</button></>
            : <>Cannot move to v{target}: {report.issues.map((i) => i.message).join(" ")}{" "}
              <input aria-label="Renamed activities" placeholder="old = new, …" value={renames} onChange={(e) => setRenames(e.target.value)} />
              {" "}<button onClick={() => void check()}>Check again</button></>}
          {" "}<button onClick={() => setReport(null)}>Cancel</button>
        </span>
      )}
      {error && <span className="issue" role="alert">{error}</span>}
    </span>
  );
}
