import { useCallback, useEffect, useState } from "react";
import { factText, staffRoles, TicketPage, whereItIs } from "./TicketPage";
import { DashboardPage } from "./Dashboard";
import { ChangeForm } from "./ChangeForm";
import { ChangeTemplatesPage } from "./ChangeTemplates";
import { ApiTokensPage } from "./ApiTokens";
import { PeopleAdminPage } from "./PeopleAdmin";
import { OutboxAdminPage } from "./OutboxAdmin";
import { DelegateForm } from "./DelegateForm";
import { api, ApiError, type CatalogItem, type Ticket, type ChangeCalendar, type FormField, type InboxItem, type Me, type Service } from "./api";

function Nav({ me }: { me: Me }) {
  const staff = me.roles.some((r) => staffRoles.includes(r));
  return (
    <nav className="portal-nav" aria-label="Portal">
      <strong>ItsmWorkflows</strong>
      <a href="#/catalog">Catalog</a>
      <a href="#/mine">My work</a>
      {staff && <a href="#/queue">My queue</a>}
      {staff && <a href="#/dashboard">Dashboard</a>}
      <a href="#/search">Search</a>
      <a href="#/approvals">Approvals</a>
      <a href="#/changes">Change calendar</a>
      {me.roles.some((r) => r === "process-owner" || r === "admin") && <a href="/designer/">Designer</a>}
      {me.roles.includes("admin") && <a href="#/people">People</a>}
      {me.roles.includes("admin") && <a href="#/outbox">Outbox</a>}
      <a href="#/tokens">API tokens</a>
      <span className="hint">{me.displayName}</span>
      <button type="button" className="link" onClick={() => { void api.logout().finally(() => { window.location.href = "/signin"; }); }}>Sign out</button>
    </nav>
  );
}

/** A date field's bound, given in days from today, as the date picker takes it (yyyy-mm-dd, the person's own today). */
function daysFromToday(days: number | null | undefined) {
  if (days === null || days === undefined) return undefined;
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function Field({ field, value, onChange, error }: { field: FormField; value: unknown; onChange: (v: unknown) => void; error?: string }) {
  const id = `field-${field.name}`;
  const common = { id, "aria-invalid": error ? true : undefined, required: field.required };
  return (
    <div className="form-field">
      <label htmlFor={id}>{field.label}{field.required ? " *" : ""}</label>
      {field.type === "textarea" ? <textarea {...common} maxLength={field.maxLength ?? undefined} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} />
        : field.type === "choice" ? (
          <select {...common} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)}>
            <option value="" />
            {(field.options ?? []).map((o) => <option key={o}>{o}</option>)}
          </select>
        ) : field.type === "boolean" ? <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
        : <input {...common} type={field.type === "number" ? "number" : field.type === "date" ? "date" : field.type === "email" ? "email" : "text"}
            {...(field.type === "date" ? { min: daysFromToday(field.min), max: daysFromToday(field.max) } : field.type === "number" ? { min: field.min ?? undefined, max: field.max ?? undefined } : {})}
            value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} />}
      {field.help && <small>{field.help}</small>}
      {error && <p className="issue" role="alert">{error}</p>}
    </div>
  );
}

function Catalog() {
  const [items, setItems] = useState<CatalogItem[]>([]);
  const [services, setServices] = useState<Service[]>([]);
  const [query, setQuery] = useState("");
  const [chosen, setChosen] = useState<CatalogItem | null>(null);
  const [answers, setAnswers] = useState<Record<string, unknown>>({});
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [incident, setIncident] = useState({ title: "", serviceId: "", impact: 3, urgency: 3 });
  // The incident form's own answer: an error there is shown there, not under a catalog item's form.
  const [incidentMessage, setIncidentMessage] = useState<string | null>(null);
  useEffect(() => { api.catalog().then(setItems, (e: Error) => setMessage(e.message)); api.services().then(setServices, () => {}); }, []);
  const shown = items.filter((i) => !query || `${i.name} ${i.description ?? ""} ${i.category ?? ""}`.toLowerCase().includes(query.toLowerCase()));
  const submit = async () => {
    if (!chosen) return;
    try {
      const ticket = await api.submitRequest(chosen.id, answers);
      window.location.hash = `#/tickets/${ticket.number}`;
    } catch (e) {
      const body = (e as { body?: { errors?: Record<string, string[]> } }).body;
      setErrors(body?.errors ?? {});
      setMessage((e as Error).message);
    }
  };
  return (
    <main className="portal">
      <h1>What do you need?</h1>
      <input type="search" aria-label="Search the catalog" placeholder="Search the catalog" value={query} onChange={(e) => setQuery(e.target.value)} />
      <div className="cards">
        {shown.map((i) => (
          <button key={i.id} className={`card${chosen?.id === i.id ? " chosen" : ""}`} onClick={() => { setChosen(i); setAnswers({}); setErrors({}); setMessage(null); }}>
            <strong>{i.name}</strong>
            <span>{i.description}</span>
            <small>{i.category}{i.approvalRequired ? " · needs approval" : ""}{i.price ? ` · ${new Intl.NumberFormat(undefined, { style: "currency", currency: i.currency ?? "EUR" }).format(i.price)}` : ""}</small>
          </button>
        ))}
      </div>
      {chosen && (
        <form className="request-form" aria-label={`Request ${chosen.name}`} onSubmit={(e) => { e.preventDefault(); void submit(); }}>
          <h2>{chosen.name}</h2>
          {chosen.form.map((f) => (
            <Field key={f.name} field={f} value={answers[f.name]} error={errors[f.name]?.[0]} onChange={(v) => setAnswers({ ...answers, [f.name]: v })} />
          ))}
          <button type="submit">Submit request</button>
          {message && <p className="message error" role="alert">{message}</p>}
        </form>
      )}
      <h2>Something is not working?</h2>
      <form className="request-form" aria-label="Report an incident" onSubmit={async (e) => {
        e.preventDefault();
        try {
          const ticket = await api.raiseIncident(incident);
          window.location.hash = `#/tickets/${ticket.number}`;
        } catch (err) { setIncidentMessage((err as Error).message); }
      }}>
        <div className="form-field"><label htmlFor="inc-title">What is wrong? *</label><input id="inc-title" required value={incident.title} onChange={(e) => setIncident({ ...incident, title: e.target.value })} /></div>
        <div className="form-field">
          <label htmlFor="inc-service">Service *</label>
          <select id="inc-service" required value={incident.serviceId} onChange={(e) => setIncident({ ...incident, serviceId: e.target.value })}>
            <option value="" />
            {services.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </div>
        <div className="form-field">
          <label htmlFor="inc-impact">How many people are affected?</label>
          <select id="inc-impact" value={incident.impact} onChange={(e) => setIncident({ ...incident, impact: Number(e.target.value) })}>
            <option value={1}>Many (a department or more)</option><option value={2}>A team</option><option value={3}>Just me</option>
          </select>
        </div>
        <div className="form-field">
          <label htmlFor="inc-urgency">How urgent is it?</label>
          <select id="inc-urgency" value={incident.urgency} onChange={(e) => setIncident({ ...incident, urgency: Number(e.target.value) })}>
            <option value={1}>Work has stopped</option><option value={2}>Work is hampered</option><option value={3}>It can wait</option>
          </select>
        </div>
        <button type="submit">Report incident</button>
        {incidentMessage && <p className="message error" role="alert">{incidentMessage}</p>}
      </form>
    </main>
  );
}

/** An approval's title with the ticket it is about ("… (REQ0001001)") as a link to its tracking page. */
function TitleWithTicketLink({ title }: { title: string }) {
  const m = /\b(?:REQ|CHG|INC|TASK)\d{7}\b/.exec(title);
  if (!m) return <>{title}</>;
  return <>{title.slice(0, m.index)}<a href={`#/tickets/${m[0]}`}>{m[0]}</a>{title.slice(m.index + m[0].length)}</>;
}

/**
 * Where a ticket is, in a requester's words: an incident waits on several of the process's steps at once (being taken,
 * put on hold, resolved), whose names are the process owner's; the requester reads who has it, as on its page.
 */
function nowAt(t: Ticket, waits: string[], forRequester: boolean) {
  return !forRequester || t.kind !== "Incident" || waits.length <= 1 ? waits.join(", ") : whereItIs(t, true);
}

function TicketList({ query, title, empty, forRequester = false, showRequester = false, paged = false }: {
  query: string; title: string; empty: string; forRequester?: boolean; showRequester?: boolean; paged?: boolean;
}) {
  const [page, setPage] = useState<Awaited<ReturnType<typeof api.tickets>> | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The page number belongs to the query it was chosen for: a new search starts at its first page.
  const [at, setAt] = useState({ query, number: 1 });
  const number = at.query === query ? at.number : 1;
  const setNumber = (n: number) => setAt({ query, number: n });
  useEffect(() => {
    let current = true; // an answer to an earlier search that arrives late is dropped
    setError(null);
    api.tickets(`${query}&progress=true${number > 1 ? `&page=${number}` : ""}`).then((p) => { if (current) setPage(p); }, (e: Error) => { if (current) setError(e.message); });
    return () => { current = false; };
  }, [query, number]);
  const items = page?.items ?? [];
  const name = (userName?: string | null) => (userName ? page?.names?.[userName] ?? userName : "");
  const pages = page ? Math.max(1, Math.ceil(page.total / page.pageSize)) : 1;
  return (
    <section>
      <h2>{title}</h2>
      {error && <p className="message error" role="alert">{error}</p>}
      {page && items.length === 0 && <p className="hint">{empty}</p>}
      {paged && page && page.total > 0 && (
        <p className="hint" data-testid="result-count">
          {page.total === 1 ? "1 ticket" : `${page.total} tickets`}{pages > 1 ? `, page ${page.page} of ${pages}` : ""}
        </p>
      )}
      {items.length > 0 && (
        <table className="tickets">
          <thead><tr><th scope="col">Ticket</th><th scope="col">Title</th>{showRequester && <th scope="col">Raised by</th>}<th scope="col">Status</th><th scope="col">Now at</th><th scope="col">SLA</th><th scope="col">With</th><th scope="col">Updated</th></tr></thead>
          <tbody>
            {items.map((t) => {
              const progress = page?.progress?.[t.number];
              return (
                <tr key={t.number}>
                  <td><a href={`#/tickets/${t.number}`}>{t.number}</a></td>
                  <td>{t.title}</td>
                  {showRequester && <td>{name(t.requester)}</td>}
                  <td><span className="badge">{t.status}</span></td>
                  <td data-testid={`now-at-${t.number}`}>{(progress ? nowAt(t, progress.waitingOn, forRequester) : "") || (t.closedAt ? "—" : "")}</td>
                  <td>{progress?.sla && <span className={`badge sla-badge sla-${progress.sla}`} data-testid={`sla-state-${t.number}`}>{progress.sla}</span>}</td>
                  <td>{t.assignmentGroup}{t.assignee ? ` · ${name(t.assignee)}` : ""}</td>
                  <td className="hint">{new Date(t.updatedAt).toLocaleString()}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {paged && pages > 1 && (
        <div className="row">
          <button type="button" disabled={number <= 1} onClick={() => setNumber(number - 1)}>Newer</button>
          <button type="button" disabled={number >= pages} onClick={() => setNumber(number + 1)}>Older</button>
        </div>
      )}
    </section>
  );
}

/**
 * Finding a ticket by what it is about: words from its number, title, description, a request's form answers or its
 * people's names, narrowed by kind and whether it is still open. Staff search every ticket; anyone else the ones they
 * raised or work on (the API decides).
 */
function Search({ me }: { me: Me }) {
  const staff = me.roles.some((r) => staffRoles.includes(r));
  const initial = new URLSearchParams(window.location.hash.split("?")[1] ?? "");
  const [text, setText] = useState(initial.get("q") ?? "");
  const [kind, setKind] = useState(initial.get("kind") ?? "");
  const [open, setOpen] = useState(initial.get("open") ?? "");
  const [submitted, setSubmitted] = useState(initial.get("q") ?? "");
  const query = `q=${encodeURIComponent(submitted)}${kind ? `&kind=${kind}` : ""}${open ? `&open=${open}` : ""}`;
  useEffect(() => {
    // The search is in the address, so the back button and a shared link bring it back.
    const params = new URLSearchParams();
    if (submitted) params.set("q", submitted);
    if (kind) params.set("kind", kind);
    if (open) params.set("open", open);
    const next = `#/search${params.size > 0 ? `?${params}` : ""}`;
    if (window.location.hash !== next) window.history.replaceState(null, "", next);
  }, [submitted, kind, open]);
  return (
    <main className="portal">
      <h1>Search</h1>
      <form className="row filters" role="search" onSubmit={(e) => { e.preventDefault(); setSubmitted(text.trim()); }}>
        <input type="search" aria-label="Search tickets" placeholder="Number, words from the title, description or form, or a name" maxLength={200} value={text} onChange={(e) => setText(e.target.value)} />
        <label>Kind <select value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="">All</option><option value="Request">Requests</option><option value="Incident">Incidents</option><option value="Change">Changes</option>
          {staff && <option value="Task">Tasks</option>}
        </select></label>
        <label>Show <select value={open} onChange={(e) => setOpen(e.target.value)}>
          <option value="">All</option><option value="true">Open</option><option value="false">Closed</option>
        </select></label>
        <button type="submit">Search</button>
      </form>
      <TicketList query={query} title={submitted ? `Tickets matching “${submitted}”` : staff ? "Every ticket" : "Everything you raised or work on"}
        empty={submitted ? "Nothing matches. Try fewer words, or part of a word." : "No tickets yet."}
        forRequester={!staff} showRequester={staff} paged />
    </main>
  );
}

/** What I raised: requests, incidents and changes, filtered by kind and whether still open. */
function MyWork({ me }: { me: Me }) {
  const [kind, setKind] = useState("");
  const [open, setOpen] = useState("true");
  const query = `requester=${encodeURIComponent(me.userName)}${kind ? `&kind=${kind}` : ""}${open ? `&open=${open}` : ""}`;
  return (
    <main className="portal">
      <h1>My work</h1>
      <div className="row filters">
        <label>Kind <select value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="">All</option><option value="Request">Requests</option><option value="Incident">Incidents</option><option value="Change">Changes</option>
        </select></label>
        <label>Show <select value={open} onChange={(e) => setOpen(e.target.value)}>
          <option value="true">Open</option><option value="false">Closed</option><option value="">All</option>
        </select></label>
      </div>
      <TicketList query={query} title="Everything I raised" empty="Nothing here: the catalog is where to start." forRequester={!me.roles.some((r) => staffRoles.includes(r))} />
    </main>
  );
}

function Queue({ me }: { me: Me }) {
  return (
    <main className="portal">
      <h1>My queue</h1>
      {me.groups.length === 0 && <p className="hint">You are in no group, so nothing is queued for you.</p>}
      {me.groups.map((g) => (
        <div key={g}>
          <TicketList query={`kind=Task&open=true&group=${encodeURIComponent(g)}`} title={`Tasks for ${g}`} empty="No open task." />
          <TicketList query={`kind=Incident&open=true&group=${encodeURIComponent(g)}`} title={`Incidents for ${g}`} empty="No open incident." />
        </div>
      ))}
    </main>
  );
}

function Approvals({ me }: { me: Me }) {
  const [items, setItems] = useState<InboxItem[] | null>(null);
  const [comments, setComments] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const load = useCallback(() => { api.inbox().then(setItems, (e: Error) => setMessage(e.message)); }, []);
  useEffect(load, [load]);
  const decide = async (id: string, decision: string) => {
    try {
      setMessage((await api.decide(id, decision, comments[id])).message);
      load();
    } catch (e) { setMessage((e as Error).message); }
  };
  return (
    <main className="portal">
      <h1>Approvals</h1>
      <DelegateForm me={me} onChanged={load} />
      {message && <p className="message info" role="status" data-testid="approval-message">{message}</p>}
      {items?.length === 0 && <p className="hint">Nothing waits for your decision.</p>}
      {(items ?? []).map((a) => (
        <article key={a.approvalId} className="approval" aria-label={a.title}>
          <h2><TitleWithTicketLink title={a.title} /></h2>
          <dl className="facts">
            {a.details.map((d) => <div key={d.key}><dt>{d.key}</dt><dd>{factText(d.value)}</dd></div>)}
            {a.requester && <div><dt>Requested by</dt><dd>{a.requesterName ?? a.requester}</dd></div>}
          </dl>
          {a.onBehalfOf && <p className="hint">You decide on behalf of {a.onBehalfOfName ?? a.onBehalfOf}, who named you as their delegate.</p>}
          {a.dueAt && <p className="hint">Due {new Date(a.dueAt).toLocaleString()}</p>}
          <textarea aria-label={`Comment on ${a.title}`} placeholder="Comment (optional)" value={comments[a.approvalId] ?? ""} onChange={(e) => setComments({ ...comments, [a.approvalId]: e.target.value })} />
          <div className="row">
            <button onClick={() => void decide(a.approvalId, "Approved")}>Approve</button>
            <button onClick={() => void decide(a.approvalId, "Rejected")}>Reject</button>
          </div>
        </article>
      ))}
    </main>
  );
}

/** Monday 00:00 UTC of the week an instant falls in. */
function weekOf(iso: string) {
  const d = new Date(iso);
  const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7)));
  return monday.toISOString().slice(0, 10);
}

/** Scheduled and planned changes by week, with blackout windows and the changes that clash on a shared service. */
function ChangeCalendarPage({ staff }: { staff: boolean }) {
  const [calendar, setCalendar] = useState<ChangeCalendar | null>(null);
  const [services, setServices] = useState<Service[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.services().then(setServices, () => undefined); // ids are shown where names cannot be read
    const from = new Date(Date.now() - 7 * 86400_000).toISOString();
    const to = new Date(Date.now() + 90 * 86400_000).toISOString();
    api.changeCalendar(from, to).then(setCalendar, (e: Error) => setError(e.message));
  }, []);
  if (error) return <main className="portal"><p className="message error" role="alert">{error}</p></main>;
  if (!calendar) return <main className="portal"><p className="hint">Loading…</p></main>;
  const clashes = new Set<string>();
  for (const a of calendar.changes) {
    for (const b of calendar.changes) {
      if (a.number < b.number && a.start < b.end && b.start < a.end && a.services.some((s) => b.services.includes(s))) { clashes.add(a.number); clashes.add(b.number); }
    }
  }
  // A change inside a blackout window on one of its services (or a blackout of all services) is marked too.
  const inBlackout = new Map<string, string>();
  for (const c of calendar.changes) {
    const hit = calendar.blackouts.find((b) => c.start < b.end && b.start < c.end && (!b.services?.length || c.services.some((s) => b.services!.includes(s))));
    if (hit) inBlackout.set(c.number, hit.name);
  }
  const serviceNames = new Map(services.map((s) => [s.id, s.name]));
  const weeks = new Map<string, typeof calendar.changes>();
  for (const c of calendar.changes) weeks.set(weekOf(c.start), [...(weeks.get(weekOf(c.start)) ?? []), c]);
  const time = (iso: string) => new Date(iso).toLocaleString([], { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  return (
    <main className="portal">
      <h1>Change calendar</h1>
      {staff && <p><a className="button" href="#/changes/new">Raise a change</a> <a href="#/change-templates">Standard change templates</a></p>}
      {calendar.blackouts.map((b) => (
        <p key={b.name + b.start} className="sla breached" data-testid="blackout">Blackout: {b.name}, {time(b.start)} – {time(b.end)}{b.services?.length ? ` (${b.services.map((id) => serviceNames.get(id) ?? id).join(", ")})` : " (all services)"}</p>
      ))}
      {weeks.size === 0 && <p className="hint">No change is planned in the next three months.</p>}
      {[...weeks.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([week, changes]) => (
        <section key={week}>
          <h2>Week of {week}</h2>
          <table className="tickets" data-testid={`week-${week}`}>
            <tbody>
              {changes.sort((a, b) => a.start.localeCompare(b.start)).map((c) => (
                <tr key={c.number} className={clashes.has(c.number) || inBlackout.has(c.number) ? "clash" : ""}>
                  <td>{staff ? <a href={`#/tickets/${c.number}`}>{c.number}</a> : c.number}</td>
                  <td>{c.title}</td>
                  <td>{c.type}{c.risk ? ` · ${c.risk} risk` : ""}</td>
                  <td><span className="badge">{c.status}</span></td>
                  <td>{time(c.start)} – {time(c.end)}</td>
                  <td>{c.services.map((id) => serviceNames.get(id) ?? id).join(", ")}</td>
                  <td>
                    {clashes.has(c.number) && <strong className="issue">clash</strong>}
                    {inBlackout.has(c.number) && <strong className="issue">{clashes.has(c.number) ? " · " : ""}in blackout: {inBlackout.get(c.number)}</strong>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </main>
  );
}

/** The staff portal: catalog and incident form, my requests, my queue, approvals, a ticket's tracking page. */
export function Portal({ hash }: { hash: string }) {
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.me().then(setMe, (e: Error) => {
      // Signed out (or the session ended): the sign-in page, not an error that tells a person to POST somewhere.
      if (e instanceof ApiError && e.status === 401) window.location.href = "/signin";
      else setError(e.message);
    });
  }, []);
  if (error) return <p className="message error" role="alert">{error}</p>;
  if (!me) return <p className="hint">Loading…</p>;
  const ticket = /^#\/tickets\/(.+)$/.exec(hash);
  return (
    <>
      <Nav me={me} />
      {ticket ? <TicketPage key={ticket[1]} number={decodeURIComponent(ticket[1])} me={me} />
        : hash.startsWith("#/mine") ? <MyWork me={me} />
        : hash.startsWith("#/queue") ? <Queue me={me} />
        : hash.startsWith("#/search") ? <Search me={me} />
        : hash.startsWith("#/approvals") ? <Approvals me={me} />
        : hash.startsWith("#/changes/new") ? <ChangeForm />
        : hash.startsWith("#/change-templates") && me.roles.some((r) => staffRoles.includes(r)) ? <ChangeTemplatesPage canEdit={me.roles.some((r) => r === "process-owner" || r === "admin")} />
        : hash.startsWith("#/changes") ? <ChangeCalendarPage staff={me.roles.some((r) => staffRoles.includes(r))} />
        : hash.startsWith("#/dashboard") ? <DashboardPage />
        : hash.startsWith("#/tokens") ? <ApiTokensPage />
        : hash.startsWith("#/people") && me.roles.includes("admin") ? <PeopleAdminPage />
        : hash.startsWith("#/outbox") && me.roles.includes("admin") ? <OutboxAdminPage />
        : <Catalog />}
    </>
  );
}
