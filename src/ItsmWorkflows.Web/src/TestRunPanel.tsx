import { useState } from "react";
import { api, type TestRunView, type TestRunWait } from "./api";

/**
 * Runs the saved draft in the server's sandbox: its clock moves only when asked, its emails are kept, not
 * sent; each wait is answered here (approve or reject as an approver, close a task, send an event).
 */
export function TestRunPanel({ definitionId, run, onRun, onClose, names }: {
  definitionId: string;
  run: TestRunView | null;
  onRun: (view: TestRunView) => void;
  onClose: () => void;
  names: Map<string, string>;
}) {
  const [input, setInput] = useState("{}");
  const [correlationId, setCorrelationId] = useState("");
  /** A shipped process expects what its tickets give it (a "ticket" input, the number as correlation id): the latest real instance has both. */
  const copyLatest = async () => {
    try {
      const latest = (await api.instances(definitionId)).items[0];
      if (!latest) { setError("This workflow has no instances yet to copy an input from."); return; }
      const detail = await api.instance(latest.id);
      setInput(JSON.stringify(detail.input ?? {}, null, 2));
      setCorrelationId(latest.correlationId ?? "");
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const [error, setError] = useState<string | null>(null);
  const act = async (f: () => Promise<TestRunView>) => {
    try {
      onRun(await f());
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  if (!run) {
    return (
      <aside className="properties" aria-label="Test run">
        <h2>Test run</h2>
        <p className="hint">Runs the saved draft in a sandbox: a clock you move, emails kept here, nothing sent.</p>
        <label>
          Workflow input (JSON)
          <textarea aria-label="Workflow input" value={input} onChange={(e) => setInput(e.target.value)} />
        </label>
        <label>
          Correlation id
          <input aria-label="Correlation id" placeholder="Such as a ticket number" value={correlationId} onChange={(e) => setCorrelationId(e.target.value)} />
        </label>
        <p className="hint">Nothing outside the sandbox changes: tickets named here are not touched.</p>
        <button onClick={() => void copyLatest()}>Use the latest instance's input</button>{" "}
        <button onClick={() => {
          let parsed: unknown;
          try { parsed = JSON.parse(input); } catch { setError("The input is not valid JSON."); return; }
          void act(() => api.startTestRun(definitionId, parsed, correlationId.trim() || undefined));
        }}>Start test run</button>{" "}
        <button onClick={onClose}>Close</button>
        {error && <p className="issue" role="alert">{error}</p>}
      </aside>
    );
  }
  const label = (w: TestRunWait) => names.get(w.activityId) ?? w.activityId;
  return (
    <aside className="properties" aria-label="Test run">
      <h2>Test run</h2>
      <p data-testid="run-status">
        <strong>{run.status}</strong> · clock {new Date(run.now).toLocaleString()}
      </p>
      <div className="row">
        <button onClick={() => void act(() => api.advanceTestRun(run.id, { by: "01:00:00" }))}>+1 hour</button>
        <button onClick={() => void act(() => api.advanceTestRun(run.id, { by: "1.00:00:00" }))}>+1 day</button>
        <button onClick={() => void act(() => api.advanceTestRun(run.id, { toNextTimer: true }))}>Next timer</button>
      </div>
      {error && <p className="issue" role="alert">{error}</p>}
      <h3>Waiting on</h3>
      <ul className="versions" data-testid="run-waits">
        {run.waits.length === 0 && <li className="hint">Nothing.</li>}
        {run.waits.map((w) => (
          <li key={w.bookmarkId}>
            {label(w)} <span className="hint">({w.type}{w.dueAt ? `, due ${new Date(w.dueAt).toLocaleString()}` : ""})</span>
            {w.type === "Itsm.RequestApproval" && !w.dueAt && (w.pendingApprovers ?? []).map((a) => (
              <div className="row" key={a}>
                <button onClick={() => void act(() => api.resumeTestRun(run.id, w.bookmarkId, { approver: a, decision: "Approved", channel: "test run" }))}>Approve as {a}</button>
                <button onClick={() => void act(() => api.resumeTestRun(run.id, w.bookmarkId, { approver: a, decision: "Rejected", channel: "test run" }))}>Reject as {a}</button>
              </div>
            ))}
            {w.type === "Itsm.CreateTask" && (
              <div className="row">
                <button onClick={() => void act(() => api.resumeTestRun(run.id, w.bookmarkId, { state: "Complete", by: "test run" }))}>Close complete</button>
                <button onClick={() => void act(() => api.resumeTestRun(run.id, w.bookmarkId, { state: "Incomplete", by: "test run", notes: "Closed incomplete in a test run" }))}>Close incomplete</button>
              </div>
            )}
            {w.type === "Elsa.Event" && (
              <div className="row">
                <button onClick={() => void act(() => api.resumeTestRun(run.id, w.bookmarkId, { by: "test run" }))}>Send “{String(w.payload?.eventName ?? "event")}”</button>
              </div>
            )}
          </li>
        ))}
      </ul>
      <h3>Emails kept ({run.emails.length})</h3>
      <ul className="journal" data-testid="run-emails">
        {run.emails.map((e, i) => <li key={i}>{e.kind === "approval-request" ? "Approval request" : e.subject} {e.to?.length ? `→ ${e.to.join(", ")}` : ""}</li>)}
      </ul>
      <h3>Journal</h3>
      <ol className="journal" data-testid="run-journal">
        {(run.instance?.journal ?? []).map((j) => (
          <li key={j.sequence}>{names.get(j.activityId) ?? j.activityId} — {j.event}{j.outcomes?.length ? ` (${j.outcomes.join(", ")})` : ""}</li>
        ))}
      </ol>
      {(run.instance?.incidents ?? []).filter((i) => !i.resolvedAt).map((i, k) => <p key={k} className="issue" role="alert">{names.get(i.activityId) ?? i.activityId}: {i.message}</p>)}
      <button onClick={onClose}>End test run</button>
    </aside>
  );
}
