import { useCallback, useEffect, useState } from "react";
import { Attachments } from "./Attachments";
import type { LiveState } from "./live";
import { MoveWindow } from "./MoveWindow";
import { ProcessDiagram } from "./ProcessDiagram";
import { Reassign, useGroups } from "./Reassign";
import { api, type Me, type SlaClock, type Ticket, type TicketDetail } from "./api";

export const staffRoles = ["agent", "process-owner", "admin"];

/**
 * A ticket's tracking page: everything about it on one page, re-read the moment it changes (live updates):
 * status, when to expect it, what it waits on, SLA clocks, the workflow diagram, tasks, attachments, the timeline, notes;
 * and for staff the actions of their role.
 */
/** A change's type (a standard one with the template that authorized it) and its plans, as raised. */
function ChangeFacts({ ticket }: { ticket: Ticket }) {
  const change = (ticket.details?.change ?? {}) as {
    implementationPlan?: string | null; backoutPlan?: string | null; testPlan?: string | null; template?: { id: string; name: string } | null;
    affectedServices?: { id: string; name: string }[] | null;
  };
  const type = ticket.changeType ? ticket.changeType[0].toUpperCase() + ticket.changeType.slice(1) : "";
  const rows: [string, string][] = [
    ["Type", ticket.changeType === "standard" && change.template ? `Standard, from template “${change.template.name}”` : type],
    ...(change.affectedServices?.length ? [["Services", change.affectedServices.map((a) => a.name).join(", ")] as [string, string]] : []),
    ...(ticket.risk ? [["Risk", ticket.risk] as [string, string]] : []),
    ...([["Implementation plan", change.implementationPlan], ["Back-out plan", change.backoutPlan], ["Test plan", change.testPlan]] as [string, string | null | undefined][])
      .filter((r): r is [string, string] => !!r[1]),
  ];
  return <dl className="facts" data-testid="change-facts">{rows.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>;
}

export function TicketPage({ number, me }: { number: string; me: Me }) {
  const [detail, setDetail] = useState<TicketDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState("");
  const [workNote, setWorkNote] = useState("");
  const [live, setLive] = useState<LiveState>("connecting");
  const staff = me.roles.some((r) => staffRoles.includes(r));
  const groups = useGroups(staff);
  const load = useCallback(() => { api.ticket(number).then(setDetail, (e: Error) => setError(e.message)); }, [number]);
  useEffect(() => {
    load();
    // Progress shows the moment it commits: the server says the ticket or its workflow changed and the page
    // re-reads it (changes that arrive together are read once). A slow poll covers a lost connection.
    let pending: number | undefined;
    const changed = () => { window.clearTimeout(pending); pending = window.setTimeout(load, 150); };
    // The SignalR client loads with the first tracking page, not with the designer.
    let stop = () => {};
    let gone = false;
    import("./live").then((m) => { if (!gone) stop = m.watchTicket(number, changed, setLive); }, () => setLive("offline"));
    const timer = window.setInterval(load, 60000);
    return () => { gone = true; stop(); window.clearInterval(timer); window.clearTimeout(pending); };
  }, [load, number]);
  const act = async (f: () => Promise<unknown>) => {
    try { await f(); setError(null); load(); return true; } catch (e) { setError((e as Error).message); return false; }
  };
  // An action that sent the note box's text (a question, a resolution, closing notes) empties it once done: left
  // there, the question asked while putting it on hold went out again as the resolution.
  const actWithNote = async (f: () => Promise<unknown>) => { if (await act(f)) setNote(""); };
  if (error && !detail) return <main className="portal"><p className="message error" role="alert">{error}</p></main>;
  if (!detail) return <main className="portal"><p className="hint">Loading…</p></main>;
  const t = detail.ticket;
  const answers = (t.details?.summary ?? null) as Record<string, unknown> | null;
  const summary = answers ? Object.entries(answers).map(([k, v]): [string, string] => [k, factText(v)]) : [];
  // What the ticket waits on, in people's terms: the SLA clocks' own thresholds show as the clocks below.
  const waits = detail.waitingOn.filter((w) => w.activityType !== "Itsm.WaitForSlaThreshold");
  const describe = (w: typeof waits[number]) => w.step + (w.who?.length ? ` by ${w.who.join(", ")}` : "") + (w.dueAt ? ` (due ${new Date(w.dueAt).toLocaleString()})` : "");
  // Staff see every step the process waits on. When it waits on several things at once that are not approvals (an
  // incident waits for whichever comes first of being taken, put on hold or resolved), a requester reads where the
  // ticket is instead of the process owner's step names.
  const alternatives = waits.filter((w) => !w.who?.length);
  const group = t.assignmentGroup ?? "the service desk";
  const replying = t.kind === "Incident" && t.status === "Waiting on customer" && t.requester === me.userName;
  // A scheduled change also listens for a move of its window: what it waits on is the window.
  const waitingOn = staff || alternatives.length <= 1 ? waits.map(describe)
    : t.kind === "Change" ? waits.filter((w) => w.activityType !== "Elsa.Event").map(describe)
    : [...waits.filter((w) => w.who?.length).map(describe),
      whereItIs(t, t.requester === me.userName)];
  // When it should be done: the promise of the clock that measures completion, or the change's window.
  const finishing = detail.sla.resolution ?? detail.sla.delivery;
  // On hold: waiting on the customer, a vendor or anything else its SLA pauses for.
  const held = t.kind === "Incident" && (t.status.startsWith("Waiting") || t.status.startsWith("Awaiting") || finishing?.paused === true);
  const expected = t.closedAt ? `Closed ${new Date(t.closedAt).toLocaleString()}`
    : t.kind === "Change" && t.plannedEnd ? `${t.status === "Scheduled" ? "Scheduled" : "Planned"} ${t.plannedStart ? new Date(t.plannedStart).toLocaleString() : "?"} – ${new Date(t.plannedEnd).toLocaleString()}`
    : finishing && !finishing.stoppedAt ? (finishing.breached ? `Was expected by ${finishing.dueAt ? new Date(finishing.dueAt).toLocaleString() : "now"}: late`
      : finishing.paused ? (t.status === "Waiting on customer" ? (t.requester === me.userName ? "On hold until you answer: the clock stops while it waits on you" : "On hold until the requester answers: the clock is stopped") : `On hold (${t.status}): the clock is stopped`) : finishing.dueAt ? `Expected by ${new Date(finishing.dueAt).toLocaleString()}` : null)
    : null;
  // One timeline: what happened to the ticket, who was asked to approve and what they decided (and how), what was emailed.
  const timeline = [
    // Who, by the name people know them by (the user name when the directory has none), unless the line names them.
    ...detail.history.map((h) => {
      const who = h.actorName ?? h.actor;
      return { at: h.at, kind: h.kind, text: h.text + (who && h.actor !== "workflow" && !h.text.includes(who) ? ` — ${who}` : "") };
    }),
    ...detail.approvals.flatMap((a) => [
      { at: a.createdAt, kind: "approval", text: `Approval asked of ${a.approvers.join(", ")}: ${a.title}` },
      // A handover is no decision: the administrator who switched the approver off, and the comment says to whom it went.
      ...a.decisions.map((d) => ({ at: d.at, kind: "approval", text: d.decision === "HandedOver"
        ? `Handed over by ${d.byName ?? d.by}${d.comment ? `: ${d.comment}` : ""}`
        : `${d.decision} by ${d.byName ?? d.by}${d.onBehalfOf ? ` for ${d.onBehalfOfName ?? d.onBehalfOf}` : ""} (${d.channel})${d.comment ? `: “${d.comment}”` : ""}` })),
    ]),
    ...detail.emails.map((e) => ({ at: e.sentAt ?? e.queuedAt, kind: "email", text: `Email “${e.subject}”${e.to.length ? ` to ${e.to.join(", ")}` : ""}${e.failed ? ` — could not be delivered: ${e.error}` : e.error ? ` — not sent yet: ${e.error}` : e.sentAt ? "" : " — queued"}` })),
    ...Object.values(detail.sla).flatMap(slaEvents),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <main className="portal">
      <h1>{t.number} · {t.title} <span className={`live live-${live}`} data-testid="live-status" title={live === "live" ? "Changes appear as they happen" : live === "connecting" ? "Connecting for live updates…" : "Live updates are off; the page refreshes every minute"}>{live === "live" ? "● live" : live === "connecting" ? "○ connecting" : "○ offline"}</span></h1>
      <p>
        <span className="badge" data-testid="ticket-status">{t.status}</span>
        {t.priorityName && <> · {t.priorityName}</>} · <span data-testid="ticket-assignment">{t.assignmentGroup}{t.assignee ? ` · ${detail.assigneeName ?? t.assignee}` : ""}</span>
        {t.instanceId && staff && <> · <a href={`/designer/#/instances/${t.instanceId}`}>process diagram</a></>}
      </p>
      {t.parent && <p data-testid="ticket-parent">Part of <a href={`#/tickets/${t.parent}`}>{t.parent}</a></p>}
      {/* What was asked: the form's answers of a request, or the description (a task's carries its request's answers). */}
      {summary.length > 0 ? (
        <dl className="facts" data-testid="ticket-summary">
          {summary.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}
        </dl>
      ) : t.description && <p className="description" data-testid="ticket-description">{t.description}</p>}
      {t.kind === "Change" && <ChangeFacts ticket={t} />}
      {expected && <p data-testid="expected">{expected}</p>}
      {waits.length > 0 && (
        <p data-testid="waiting-on">Waiting on: {waitingOn.join(", ")}</p>
      )}
      {Object.values(detail.sla).map((c) => (
        <div key={c.name} className={`sla${c.cancelled ? " cancelled" : c.breached ? " breached" : c.paused ? " paused" : ""}`} data-testid={`sla-${c.name}`}>
          {c.name}: {c.cancelled ? "cancelled" : c.breached ? "breached" : c.stoppedAt ? "met" : c.paused ? "paused" : "running"} · {Math.round(c.percent)}% of {c.targetText ?? duration(c.target)}
          {c.dueAt && !c.stoppedAt && <> · due {new Date(c.dueAt).toLocaleString()}</>}
          <progress max={100} value={Math.min(100, c.percent)} aria-label={`${c.name} time used`} />
          <SlaBar clock={c} />
        </div>
      ))}
      {t.instanceId && (
        <details className="process" open={!narrow()}>
          <summary>Process</summary>
          <ProcessDiagram number={t.number} refresh={detail} nowAt={!staff && alternatives.length > 1 ? waitingOn.join(", ") : undefined} />
        </details>
      )}
      {detail.tasks.length > 0 && (
        <section>
          <h2>Tasks</h2>
          <ul>
            {detail.tasks.map((task) => (
              <li key={task.number}>
                <a href={`#/tickets/${task.number}`}>{task.number}</a> {task.title} · <span className="badge">{task.status}</span> · {task.assignmentGroup}
              </li>
            ))}
          </ul>
        </section>
      )}
      {staff && t.kind === "Task" && !t.closedAt && (
        <div className="row">
          {/* Only the group's own agents may take it (the server refuses anyone else). */}
          {t.assignmentGroup && me.groups.includes(t.assignmentGroup) && t.assignee !== me.userName && (
            <button onClick={() => void act(() => api.assign(t.number, me.userName, t.revision))}>Assign to me</button>
          )}
          <button onClick={() => void actWithNote(() => api.closeTask(t.number, "Complete", note || undefined))}>Close complete</button>
          <button onClick={() => void actWithNote(() => api.closeTask(t.number, "Incomplete", note || "Could not be completed"))}>Close incomplete</button>
        </div>
      )}
      {staff && t.kind === "Incident" && !t.closedAt && t.status !== "Resolved" && (
        <div className="row">
          {/* Only what can happen now: taking it when it is not yours; holding it, or ending a hold (on the customer or any other). */}
          {t.assignee !== me.userName && <button onClick={() => void act(() => api.incidentAction(t.number, "acknowledge"))}>Take it</button>}
          {!held && <button onClick={() => void actWithNote(() => api.incidentAction(t.number, "wait-on-customer", note || undefined))}>Wait on customer</button>}
          {held && <button onClick={() => void actWithNote(() => api.incidentAction(t.number, "customer-replied", note || undefined))}>{t.status === "Waiting on customer" ? "Customer replied" : "End the hold"}</button>}
          <button onClick={() => {
            // The resolution is what the requester reads: asked for here, in the page's words, before the server would.
            if (!note.trim()) setError("Write how it was resolved in the note box under the timeline, then press Resolve: the requester reads it.");
            else void actWithNote(() => api.incidentAction(t.number, "resolve", note));
          }}>Resolve</button>
        </div>
      )}
      {staff && t.kind === "Change" && detail.movable && (
        // Keyed by the window: a move that went through starts the form again from the new one.
        <MoveWindow key={`${t.plannedStart ?? ""}|${t.plannedEnd ?? ""}`} start={t.plannedStart} end={t.plannedEnd}
          onMove={(start, end) => act(() => api.rescheduleChange(t.number, start, end))} />
      )}
      {t.kind === "Incident" && t.status === "Resolved" && (staff || t.requester === me.userName) && <Reopen onReopen={(reason) => act(() => api.incidentAction(t.number, "reopen", reason))} />}
      {/* The server decides who may (its requester, assignee, an agent of its group, a process owner); it says why not. */}
      {(t.kind === "Request" || t.kind === "Change" || t.kind === "Incident") && !t.closedAt && !(t.kind === "Incident" && t.status === "Resolved") && (staff || t.requester === me.userName) && (
        <CancelTicket kind={t.kind} onCancel={(reason) => act(() => api.cancelTicket(t.kind, t.number, reason || undefined))} />
      )}
      {/* Beside the buttons that caused it, not at the top of a long page. */}
      {error && <p className="message error" role="alert" data-testid="action-error">{error}</p>}
      {staff && !t.closedAt && (
        // Starts again from the ticket's assignment when that changes (someone else reassigned it); any other change
        // (a status, the SLA) keeps what is being chosen, and the latest revision goes with it.
        <Reassign key={`${t.assignmentGroup ?? ""}|${t.assignee ?? ""}`} number={t.number} group={t.assignmentGroup} assignee={t.assignee}
          revision={t.revision} groups={groups} onDone={(e) => { setError(e ?? null); load(); }} />
      )}
      {/* Re-read with the ticket: a file someone else attached shows up as their history line does. */}
      <Attachments number={t.number} refresh={detail} onChanged={load} />
      <section>
        <h2>Timeline</h2>
        <ol className="timeline" data-testid="timeline">
          {timeline.map((h, i) => (
            <li key={i} className={`timeline-${h.kind}`}><span className="hint">{new Date(h.at).toLocaleString()}</span> <span className="badge">{h.kind === "work-note" ? "work note" : h.kind}</span> {h.text}</li>
          ))}
        </ol>
        {/* The requester's note on an incident waiting on them is their answer: the server sends it back to work. */}
        {replying && <p className="message info" role="status">{group} is waiting on your answer: reply below and work on it resumes.</p>}
        <textarea aria-label="Note" placeholder={replying ? "Your answer" : staff ? "For the requester: a note, or the question, resolution or closing note an action sends" : "Add a note"} value={note} onChange={(e) => setNote(e.target.value)} />
        {/* What the requester reads: a note, or the text an action sends (a hold's question, a resolution, a task's closing note). */}
        <button onClick={() => void act(async () => { await api.note(t.number, note); setNote(""); })} disabled={!note.trim()}>
          {replying ? "Send reply" : staff ? "Add note the requester reads" : "Add note"}
        </button>
        {/* Staff's own record, beside it (as ServiceNow's work notes beside its comments): never shown to the requester. */}
        {staff && (
          <div className="work-note">
            <textarea aria-label="Work note (staff only)" placeholder="Work note: only staff read it" value={workNote} onChange={(e) => setWorkNote(e.target.value)} />
            <button onClick={() => void act(async () => { await api.note(t.number, workNote, true); setWorkNote(""); })} disabled={!workNote.trim()}>Add work note</button>
          </div>
        )}
      </section>
    </main>
  );
}

/** Calling off a request, change or incident that is still open, with the reason its people are told; folded until asked for. */
function CancelTicket({ kind, onCancel }: { kind: string; onCancel: (reason: string) => Promise<boolean> }) {
  const [reason, setReason] = useState("");
  const what = kind.toLowerCase();
  return (
    <details className="cancel-ticket">
      <summary>Cancel this {what}</summary>
      <form aria-label={`Cancel this ${what}`} onSubmit={(e) => { e.preventDefault(); void onCancel(reason.trim()).then((done) => { if (done) setReason(""); }); }}>
        <label>Why (kept in its history; emailed to its requester if someone else cancels, and to whoever is working on it)
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <button type="submit">Cancel the {what}</button>
      </form>
    </details>
  );
}

/** A resolved incident that is not fixed goes back to work: what is still wrong goes to the group that resolved it. */
function Reopen({ onReopen }: { onReopen: (reason: string) => Promise<boolean> }) {
  const [reason, setReason] = useState("");
  return (
    <form className="reopen" aria-label="Reopen" onSubmit={(e) => { e.preventDefault(); void onReopen(reason.trim()).then((done) => { if (done) setReason(""); }); }}>
      <label>Not fixed? Say what still does not work, within three days of the resolution
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <button type="submit" disabled={!reason.trim()}>Reopen</button>
    </form>
  );
}

/** A phone-sized screen: big blocks start folded. */
function narrow() {
  return typeof window !== "undefined" && window.matchMedia("(max-width: 640px)").matches;
}

/** Each change of an SLA clock's state, for the timeline: started, paused, resumed, breached, met. */
function slaEvents(c: SlaClock): { at: string; kind: string; text: string }[] {
  const events: { at: string; kind: string; text: string }[] = [];
  const segments = c.segments ?? [];
  const firstBreach = segments.findIndex((g) => g.state === "breached"); // the target is crossed once
  segments.forEach((g, i) => {
    const before = i > 0 ? segments[i - 1].state : null;
    if (i === 0) events.push({ at: g.from, kind: "sla", text: `${c.name} clock started (target ${c.targetText ?? duration(c.target)})` });
    if (g.state === "paused") events.push({ at: g.from, kind: "sla", text: `${c.name} clock paused` });
    else if (before === "paused") events.push({ at: g.from, kind: "sla", text: `${c.name} clock resumed` });
    if (i === firstBreach && !c.cancelled) events.push({ at: g.from, kind: "sla", text: `${c.name} target breached` });
  });
  if (c.stoppedAt) events.push({ at: c.stoppedAt, kind: "sla", text: `${c.name} clock ${c.cancelled ? "called off: the work was cancelled" : `stopped: ${c.breached ? "target missed" : "target met"}`}` });
  return events;
}

/** The clock's life as one bar: running, paused and breached stretches in proportion to their length. */
/** A form's answer as a person reads it: a yes/no answer (stored as true/false, or its text) as Yes or No. */
/**
 * Where an incident is, in its requester's words rather than the process's step names (it waits on being taken, put on
 * hold or resolved at once): the ticket page and the My work list both say it this way.
 */
export function whereItIs(t: Ticket, askedByItsRequester: boolean) {
  const group = t.assignmentGroup ?? "the service desk";
  return t.status === "Waiting on customer" ? "your reply"
    // Resolved: nobody works it any more; it closes by itself unless its caller says it is not fixed.
    : t.status === "Resolved" ? (askedByItsRequester ? "nothing: it closes by itself unless you reopen it" : "nothing: it closes by itself unless its caller reopens it")
    : t.assignee ? `${group} to resolve it` : `${group} to take it`;
}

export function factText(value: unknown) {
  return value === true || value === "true" ? "Yes" : value === false || value === "false" ? "No" : String(value);
}

/** "1.16:00:00" (a .NET time span) as people write it: "1 d 16 h"; "00:30:00" is "30 min". */
function duration(span: string) {
  const m = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(span ?? "");
  if (!m) return span;
  const [d, h, min] = [Number(m[2] ?? 0), Number(m[3]), Number(m[4])];
  const parts = [d ? `${d} d` : "", h ? `${h} h` : "", min ? `${min} min` : ""].filter((p) => p);
  return (m[1] ?? "") + (parts.length ? parts.join(" ") : "0 min");
}

function SlaBar({ clock }: { clock: SlaClock }) {
  const segments = clock.segments ?? [];
  if (segments.length === 0) return null;
  const start = Date.parse(segments[0].from);
  // Drawn against the whole span to the due time (while it is ahead), so a clock that has just started shows a
  // short bar, not a full one: the bar's end is the due time, its filled part the time so far.
  const end = Math.max(Date.parse(segments[segments.length - 1].to), clock.dueAt && !clock.stoppedAt ? Date.parse(clock.dueAt) : 0);
  const total = Math.max(1, end - start);
  return (
    <div className={`sla-bar${clock.cancelled ? " cancelled" : ""}`} role="img" data-testid={`sla-bar-${clock.name}`}
      aria-label={segments.map((g) => `${g.state} ${new Date(g.from).toLocaleString()} to ${new Date(g.to).toLocaleString()}`).join("; ")}>
      {segments.map((g, i) => (
        <span key={i} className={`sla-segment sla-${g.state}`} data-state={g.state}
          style={{ width: `${Math.max(0.5, ((Date.parse(g.to) - Date.parse(g.from)) / total) * 100)}%` }}
          title={`${g.state}: ${new Date(g.from).toLocaleString()} – ${new Date(g.to).toLocaleString()}`} />
      ))}
    </div>
  );
}
