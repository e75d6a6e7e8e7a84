import type { DefinitionDiff } from "./api";

/**
 * What changed since an older version, above the canvas that highlights it: the activities added and changed (each
 * a button that brings it into view, a changed one saying which of its fields changed), those removed (no longer
 * on the canvas, so named here), connections, moves and workflow-level changes.
 */
export function ComparisonBar({ version, diff, names, onFocus, onEnd }: {
  version: number;
  diff: DefinitionDiff;
  names: Map<string, string>;
  onFocus: (activityId: string) => void;
  onEnd: () => void;
}) {
  const name = (id: string) => names.get(id) ?? id;
  const workflow = [...diff.definitionChanged.map((f) => f.field), ...(diff.variablesChanged.length ? ["variables"] : [])];
  const connections = diff.connectionsAdded.length + diff.connectionsRemoved.length;
  const nothing = !diff.activitiesAdded.length && !diff.activitiesChanged.length && !diff.activitiesRemoved.length && !connections
    && !diff.activitiesMoved.length && !workflow.length;
  return (
    <div className="comparison" role="status" data-testid="comparison">
      <span>Comparing with v{version}:</span>
      {nothing && <span>no differences</span>}
      {diff.activitiesAdded.length > 0 && (
        <span><span className="diff-added">added</span>{" "}
          {diff.activitiesAdded.map((a) => <button key={a.id} className="link" onClick={() => onFocus(a.id)}>{name(a.id)}</button>)}
        </span>
      )}
      {diff.activitiesChanged.length > 0 && (
        <span><span className="diff-changed">changed</span>{" "}
          {diff.activitiesChanged.map((a) => (
            <button key={a.id} className="link" onClick={() => onFocus(a.id)} title={a.fields.map((f) => `${f.field}: ${f.before ?? "—"} → ${f.after ?? "—"}`).join("\n")}>
              {name(a.id)} ({a.fields.map((f) => f.field).join(", ")})
            </button>
          ))}
        </span>
      )}
      {diff.activitiesRemoved.length > 0 && <span>removed: {diff.activitiesRemoved.map((a) => a.displayName ? `${a.id} (${a.displayName})` : a.id).join(", ")}</span>}
      {diff.activitiesMoved.length > 0 && <span>moved: {diff.activitiesMoved.length}</span>}
      {connections > 0 && <span>connections +{diff.connectionsAdded.length} −{diff.connectionsRemoved.length}</span>}
      {workflow.length > 0 && <span>workflow: {workflow.join(", ")}</span>}
      <button onClick={onEnd}>End comparison</button>
    </div>
  );
}
