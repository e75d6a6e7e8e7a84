import { useEffect, useState } from "react";
import { api, type DefinitionDiff, type InstancePage, type ValidationIssue, type VersionInfo } from "./api";
import { MoveInstances } from "./MoveInstances";

const types = ["Object", "String", "Int32", "Double", "Boolean", "DateTime", "TimeSpan", "String[]"];

interface Variable { id?: string; name: string; typeName: string; value?: string }
interface WorkflowInput { name: string; type: string; displayName?: string; description?: string }

/** The side panel when no activity is selected: problems, the workflow's variables and inputs, its versions. */
export function WorkflowPanel({ definitionId, definition, currentVersion, issues, onFocus, onChange, onCompare, onRolledBack }: {
  definitionId: string;
  definition: Record<string, unknown>;
  currentVersion: number;
  issues: ValidationIssue[];
  onFocus: (activityId?: string | null) => void;
  onChange: (definition: Record<string, unknown>) => void;
  onCompare: (diff: DefinitionDiff | null, version?: number) => void;
  onRolledBack: () => void;
}) {
  const [tab, setTab] = useState<"problems" | "workflow" | "versions" | "instances">("problems");
  const variables = (definition.variables as Variable[] | undefined) ?? [];
  const inputs = (definition.inputs as WorkflowInput[] | undefined) ?? [];
  const setVariables = (next: Variable[]) => onChange({ ...definition, variables: next });
  const setInputs = (next: WorkflowInput[]) => onChange({ ...definition, inputs: next });
  return (
    <aside className="properties" aria-label="Workflow">
      <div role="tablist" className="tabs">
        {(["problems", "workflow", "versions", "instances"] as const).map((t) => (
          <button key={t} role="tab" aria-selected={tab === t} className={tab === t ? "active" : ""} onClick={() => setTab(t)}>
            {t === "problems" ? `Problems (${issues.length})` : t === "workflow" ? "Variables & inputs" : t === "versions" ? "Versions" : "Instances"}
          </button>
        ))}
      </div>
      {tab === "problems" && (issues.length === 0 ? <p className="hint">None found. Select an activity to edit it.</p> : (
        <ul data-testid="issues">
          {issues.map((i, k) => (
            <li key={k}><button className="link" onClick={() => onFocus(i.activityId)}>{i.activityId ? `${i.activityId}: ` : ""}{i.message}</button></li>
          ))}
        </ul>
      ))}
      {tab === "workflow" && (
        <>
          <h3>Variables</h3>
          {variables.map((v, i) => (
            <div className="row" key={i}>
              <input aria-label={`Variable ${i + 1} name`} value={v.name} onChange={(e) => setVariables(variables.map((x, j) => (j === i ? { ...x, name: e.target.value, id: x.id ?? `${e.target.value}Id` } : x)))} />
              <select aria-label={`Variable ${i + 1} type`} value={v.typeName} onChange={(e) => setVariables(variables.map((x, j) => (j === i ? { ...x, typeName: e.target.value } : x)))}>
                {types.map((t) => <option key={t}>{t}</option>)}
              </select>
              <input aria-label={`Variable ${i + 1} initial value`} placeholder="initial value" value={v.value ?? ""} onChange={(e) => setVariables(variables.map((x, j) => (j === i ? { ...x, value: e.target.value || undefined } : x)))} />
              <button aria-label={`Remove variable ${v.name}`} onClick={() => setVariables(variables.filter((_, j) => j !== i))}>×</button>
            </div>
          ))}
          <button onClick={() => setVariables([...variables, { name: `variable${variables.length + 1}`, typeName: "Object", id: `variable${variables.length + 1}Id` }])}>Add variable</button>
          <h3>Inputs</h3>
          {inputs.map((input, i) => (
            <div className="row" key={i}>
              <input aria-label={`Input ${i + 1} name`} value={input.name} onChange={(e) => setInputs(inputs.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />
              <select aria-label={`Input ${i + 1} type`} value={input.type} onChange={(e) => setInputs(inputs.map((x, j) => (j === i ? { ...x, type: e.target.value } : x)))}>
                {types.map((t) => <option key={t}>{t}</option>)}
              </select>
              <button aria-label={`Remove input ${input.name}`} onClick={() => setInputs(inputs.filter((_, j) => j !== i))}>×</button>
            </div>
          ))}
          <button onClick={() => setInputs([...inputs, { name: `input${inputs.length + 1}`, type: "Object" }])}>Add input</button>
        </>
      )}
      {tab === "instances" && <Instances definitionId={definitionId} />}
      {tab === "versions" && <Versions definitionId={definitionId} currentVersion={currentVersion} onCompare={onCompare} onRolledBack={onRolledBack} />}
    </aside>
  );
}

function Versions({ definitionId, currentVersion, onCompare, onRolledBack }: {
  definitionId: string; currentVersion: number; onCompare: (diff: DefinitionDiff | null, version?: number) => void; onRolledBack: () => void;
}) {
  const [versions, setVersions] = useState<VersionInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { api.versions(definitionId).then(setVersions, (e: Error) => setError(e.message)); }, [definitionId, currentVersion]);
  const published = versions.find((v) => v.state === "Published");
  // Running instances of each older version: what a move to the published one would concern.
  const [running, setRunning] = useState<Record<number, number>>({});
  const [movedFrom, setMovedFrom] = useState<number[]>([]);
  useEffect(() => {
    const older = versions.filter((v) => v.state !== "Draft" && v.state !== "Published");
    Promise.all(older.map((v) => api.runningCount(definitionId, v.version).then((n) => [v.version, n] as const)))
      .then((pairs) => setRunning(Object.fromEntries(pairs)), () => setRunning({}));
  }, [definitionId, versions]);
  return (
    <>
      {error && <p className="issue" role="alert">{error}</p>}
      <ul className="versions" data-testid="versions">
        {versions.map((v) => (
          <li key={v.versionId}>
            <strong>v{v.version}</strong> {v.state}{v.updatedBy ? ` · ${v.updatedBy}` : ""} · {new Date(v.updatedAt).toLocaleString()}
            {v.version !== currentVersion && (
              <div className="row">
                <button onClick={() => api.diff(definitionId, v.version, currentVersion).then((d) => onCompare(d, v.version), (e: Error) => setError(e.message))}>
                  Compare v{v.version} with v{currentVersion}
                </button>
                <button onClick={() => api.rollback(definitionId, v.version).then(onRolledBack, (e: Error) => setError(e.message))}>Roll back to v{v.version}</button>
              </div>
            )}
            {(running[v.version] ?? 0) > 0 && <div className="hint" data-testid={`running-v${v.version}`}>{running[v.version]} running</div>}
            {published && ((running[v.version] ?? 0) > 0 || movedFrom.includes(v.version)) && v.version !== published.version && (
              // Stays once used, so its report is still there when nothing is left to move.
              <MoveInstances definitionId={definitionId} fromVersion={v.version} toVersion={published.version}
                onMoved={(left) => { setRunning((r) => ({ ...r, [v.version]: left })); setMovedFrom((m) => [...m, v.version]); }} />
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

function Instances({ definitionId }: { definitionId: string }) {
  const [page, setPage] = useState<InstancePage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { api.instances(definitionId).then(setPage, (e: Error) => setError(e.message)); }, [definitionId]);
  if (error) return <p className="issue" role="alert">{error}</p>;
  if (!page) return <p className="hint">Loading…</p>;
  if (page.items.length === 0) return <p className="hint">No instance of this workflow yet.</p>;
  return (
    <ul className="versions" data-testid="instances">
      {page.items.map((i) => (
        <li key={i.id}>
          <a href={`#/instances/${encodeURIComponent(i.id)}`}>{i.correlationId ?? i.name ?? i.id.slice(0, 8)}</a> · v{i.version} · {i.subStatus}
        </li>
      ))}
    </ul>
  );
}
