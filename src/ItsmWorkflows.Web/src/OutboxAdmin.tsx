import { useCallback, useEffect, useState } from "react";
import { api, type OutboxEntry } from "./api";

type Message = { text: string; error: boolean } | null;

const when = (at?: string | null) => (at ? new Date(at).toLocaleString() : "");

/** One state's messages, newest first, 50 at a time. */
function OutboxList({ state, title, empty, reload, onRetry }: {
  state: "failed" | "pending"; title: string; empty: string; reload: number; onRetry: (entry: OutboxEntry) => void;
}) {
  const [items, setItems] = useState<OutboxEntry[] | null>(null);
  const [page, setPage] = useState(1);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback((upTo: number) => {
    setError(null);
    // Every page up to the one shown, again: a retry moves a message from one list to the other.
    Promise.all(Array.from({ length: upTo }, (_, i) => api.outbox(state, i + 1))).then((pages) => {
      setItems(pages.flatMap((p) => p.items));
      setHasMore(pages[pages.length - 1].hasMore);
      setPage(upTo);
    }, (e: Error) => setError(e.message));
  }, [state]);
  // Again after each retry (the pages shown stay shown): a retried message leaves one list for the other.
  useEffect(() => { load(page); }, [reload]);
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {error && <p className="message error" role="alert">{error}</p>}
      {items && items.length === 0 && <p className="hint">{empty}</p>}
      {items && items.length > 0 && (
        <table className="people" data-testid={`outbox-${state}`}>
          <thead><tr><th>Queued</th><th>To</th><th>Subject</th><th>Attempts</th><th>Last reply</th><th>{state === "failed" ? "Gave up" : "Next attempt"}</th><th>Ticket</th><th /></tr></thead>
          <tbody>
            {items.map((m) => (
              <tr key={m.id}>
                <td>{when(m.createdAt)}</td>
                <td>{m.recipients.join(", ") || <span className="hint">no address</span>}</td>
                <td>{m.subject ?? <span className="hint">({m.kind})</span>}</td>
                <td>{m.attempts}</td>
                <td>{m.lastError ?? ""}</td>
                <td>{when(state === "failed" ? m.settledAt : m.nextAttemptAt)}</td>
                <td>{m.ticketNumber ? <a href={`#/tickets/${encodeURIComponent(m.ticketNumber)}`}>{m.ticketNumber}</a> : <span className="hint">{m.instanceId ?? ""}</span>}</td>
                <td>
                  {state === "failed" && (m.awaitedByWorkflow
                    ? <span className="hint">Its process stopped with an incident: retry that incident, which sends it again.</span>
                    : <button type="button" aria-label={`Retry ${m.subject ?? m.id}`} onClick={() => onRetry(m)}>Retry</button>)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {hasMore && <p><button type="button" onClick={() => load(page + 1)}>Show more</button></p>}
    </section>
  );
}

/** Mail that failed for good or is still waiting, for administrators, across every ticket; a failed message can be sent again. */
export function OutboxAdminPage() {
  const [message, setMessage] = useState<Message>(null);
  const [reload, setReload] = useState(0);
  const retry = (entry: OutboxEntry) => {
    setMessage(null);
    api.retryOutbox(entry.id).then(
      () => { setMessage({ text: `“${entry.subject ?? entry.id}” is queued to be sent now.`, error: false }); setReload((n) => n + 1); },
      (e: Error) => { setMessage({ text: e.message, error: true }); setReload((n) => n + 1); });
  };
  return (
    <main className="portal">
      <h1>Outbox</h1>
      <p className="hint">Mail the server could not send, and mail still waiting to be sent. Bodies and approval links are not shown.</p>
      {message && <p className={`message ${message.error ? "error" : "info"}`} role={message.error ? "alert" : "status"} data-testid="outbox-message">{message.text}</p>}
      <OutboxList state="failed" title="Failed" empty="No mail has failed." reload={reload} onRetry={retry} />
      <OutboxList state="pending" title="Waiting to be sent" empty="Nothing is waiting." reload={reload} onRetry={retry} />
    </main>
  );
}
