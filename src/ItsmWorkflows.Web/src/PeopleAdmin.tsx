import { useEffect, useState } from "react";
import { api, type DirectoryPerson, type Group } from "./api";

const allRoles = [
  { role: "requester", label: "Requester" },
  { role: "agent", label: "Agent" },
  { role: "approver", label: "Approver" },
  { role: "process-owner", label: "Process owner" },
  { role: "admin", label: "Administrator" },
];

type Message = { text: string; error: boolean } | null;

function toggle(list: string[], item: string, on: boolean) {
  return on ? [...new Set([...list, item])] : list.filter((x) => x !== item);
}

/** Checkboxes for a set of names (roles or groups), labelled for people and for tests alike. */
function Choices({ legend, options, chosen, onChange }: { legend: string; options: { value: string; label: string }[]; chosen: string[]; onChange: (next: string[]) => void }) {
  return (
    <fieldset className="choices">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value}><input type="checkbox" checked={chosen.includes(o.value)} onChange={(e) => onChange(toggle(chosen, o.value, e.target.checked))} /> {o.label}</label>
      ))}
    </fieldset>
  );
}

/** What became of a switched-off person's open tickets, as the administrator is told it. */
function released(count: number) {
  return count === 0 ? "" : count === 1 ? " Their open ticket went back to its group." : ` Their ${count} open tickets went back to their groups.`;
}

/** What became of the approvals waiting on a switched-off person, and what to do about those nobody could take. */
function handedOver(person: DirectoryPerson, handed: number, stranded: number) {
  const went = handed === 0 ? "" : handed === 1 ? " An approval waiting on them went to their manager or delegate." : ` ${handed} approvals waiting on them went to their manager or delegate.`;
  const left = stranded === 0 ? ""
    : ` ${stranded === 1 ? "An approval still waits" : `${stranded} approvals still wait`} on ${person.displayName}: nobody could take ${stranded === 1 ? "it" : "them"} (no manager or delegate who is switched on, is not the requester and is not asked on it already). Give them a manager who can: saving hands ${stranded === 1 ? "it" : "them"} over.`;
  return went + left;
}

/** One person's details as an administrator edits them: names, roles, groups, manager; a new password; off or on. */
function PersonEditor({ person, people, groups, onDone }: { person: DirectoryPerson; people: DirectoryPerson[]; groups: Group[]; onDone: (message: Message) => void }) {
  const [displayName, setDisplayName] = useState(person.displayName);
  const [email, setEmail] = useState(person.email ?? "");
  const [department, setDepartment] = useState(person.department ?? "");
  const [manager, setManager] = useState(person.manager ?? "");
  const [roles, setRoles] = useState(person.roles ?? []);
  const [memberOf, setMemberOf] = useState(person.groups);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const run = async <T,>(work: () => Promise<T>, done: string | ((result: T) => string)) => {
    setError(null);
    try { const result = await work(); onDone({ text: typeof done === "string" ? done : done(result), error: false }); } catch (e) { setError((e as Error).message); }
  };
  return (
    <section className="person-editor" aria-label={`Edit ${person.displayName}`}>
      <h2>{person.displayName} <span className="hint">({person.userName}{person.disabled ? ", switched off" : ""})</span></h2>
      {error && <p className="message error" role="alert">{error}</p>}
      <form onSubmit={(e) => {
        e.preventDefault();
        void run(() => api.changePerson(person.userName, { displayName, email, department, manager, roles, groups: memberOf }),
          (saved) => `${displayName} saved.${handedOver(person, saved.handedOverApprovals ?? 0, saved.strandedApprovals ?? 0)}`);
      }}>
        <div className="row">
          <label>Display name <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} required /></label>
          <label>Email <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} /></label>
          <label>Department <input value={department} onChange={(e) => setDepartment(e.target.value)} /></label>
          <label>Manager{" "}
            <select value={manager} onChange={(e) => setManager(e.target.value)}>
              <option value="">(none)</option>
              {people.filter((p) => p.userName !== person.userName).map((p) => <option key={p.userName} value={p.userName}>{p.displayName}</option>)}
            </select>
          </label>
        </div>
        <Choices legend="Roles" options={allRoles.map((r) => ({ value: r.role, label: r.label }))} chosen={roles} onChange={setRoles} />
        <Choices legend="Groups" options={groups.map((g) => ({ value: g.name, label: g.name }))} chosen={memberOf} onChange={setMemberOf} />
        <p className="row">
          <button type="submit">Save</button>
          <button type="button" onClick={() => onDone(null)}>Cancel</button>
        </p>
      </form>
      <form className="row" aria-label="Set password" onSubmit={(e) => {
        e.preventDefault();
        void run(() => api.setPassword(person.userName, password), `${person.displayName}'s password is set; their sessions have ended.`);
      }}>
        <label>New password <input type="password" autoComplete="new-password" minLength={12} value={password} onChange={(e) => setPassword(e.target.value)} /></label>
        <button type="submit" disabled={password.length < 12}>Set password</button>
        <span className="hint">At least 12 characters. Their sessions end and a sign-in lockout is lifted.</span>
      </form>
      <p className="row">
        {person.disabled
          ? <button type="button" onClick={() => void run(() => api.switchAccount(person.userName, true), `${person.displayName} can sign in again.`)}>Switch on</button>
          : <button type="button" className="danger" onClick={() => {
            if (window.confirm(`Switch off ${person.displayName}? They are signed out everywhere, their API tokens stop working until switched on again, their open tickets go back to their groups for good, and the approvals waiting on them go to their manager or delegate.`)) {
              void run(() => api.switchAccount(person.userName, false), (off) => `${person.displayName} is switched off.${released(off.releasedTickets ?? 0)}${handedOver(person, off.handedOverApprovals ?? 0, off.strandedApprovals ?? 0)}${(off.groupsLeftEmpty ?? []).length > 0 ? ` Nobody is left in ${(off.groupsLeftEmpty ?? []).join(", ")}: add someone, or its work reaches nobody.` : ""}`);
            }
          }}>Switch off</button>}
      </p>
    </section>
  );
}

/** A new person: user name, names, roles (requester by default), groups, and a password unless they sign in by single sign-on. */
function NewPerson({ groups, onDone }: { groups: Group[]; onDone: (message: Message) => void }) {
  const [userName, setUserName] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [email, setEmail] = useState("");
  const [roles, setRoles] = useState(["requester"]);
  const [memberOf, setMemberOf] = useState<string[]>([]);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const add = async () => {
    setError(null);
    try {
      await api.addPerson({ userName: userName.trim(), displayName: displayName.trim(), email: email.trim() || undefined, roles, groups: memberOf, password: password || undefined });
      onDone({ text: `${displayName.trim()} added.`, error: false });
    } catch (e) { setError((e as Error).message); }
  };
  return (
    <section aria-label="Add a person">
      <h2>Add a person</h2>
      {error && <p className="message error" role="alert">{error}</p>}
      <form onSubmit={(e) => { e.preventDefault(); void add(); }}>
        <div className="row">
          <label>User name <input value={userName} onChange={(e) => setUserName(e.target.value)} required autoComplete="off" /></label>
          <label>Display name <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} required /></label>
          <label>Email <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} /></label>
          <label>Password <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} placeholder="empty: single sign-on only" /></label>
        </div>
        <Choices legend="Roles" options={allRoles.map((r) => ({ value: r.role, label: r.label }))} chosen={roles} onChange={setRoles} />
        <Choices legend="Groups" options={groups.map((g) => ({ value: g.name, label: g.name }))} chosen={memberOf} onChange={setMemberOf} />
        <p className="row">
          <button type="submit" disabled={!userName.trim() || !displayName.trim()}>Add person</button>
          <button type="button" onClick={() => onDone(null)}>Cancel</button>
        </p>
      </form>
    </section>
  );
}

function NewGroup({ onDone }: { onDone: (message: Message) => void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <form className="row" aria-label="Add a group" onSubmit={(e) => {
      e.preventDefault();
      setError(null);
      api.addGroup(name.trim(), description.trim(), []).then(() => { setName(""); setDescription(""); onDone({ text: `Group ${name.trim()} added; add its members on each person.`, error: false }); }, (err: Error) => setError(err.message));
    }}>
      <label>Group <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Database Team" /></label>
      <label>What it does <input value={description} onChange={(e) => setDescription(e.target.value)} /></label>
      <button type="submit" disabled={!name.trim()}>Add group</button>
      {error && <span className="message error" role="alert">{error}</span>}
    </form>
  );
}

/** People and groups, for administrators: who may do what, who is in which group, whose account is switched off. */
export function PeopleAdminPage() {
  const [people, setPeople] = useState<DirectoryPerson[] | null>(null);
  const [groups, setGroups] = useState<Group[]>([]);
  const [editing, setEditing] = useState<string | "new" | null>(null);
  const [filter, setFilter] = useState("");
  const [message, setMessage] = useState<Message>(null);
  const load = () => Promise.all([api.people(), api.groups()]).then(([p, g]) => { setPeople(p); setGroups(g); }, (e: Error) => setMessage({ text: e.message, error: true }));
  useEffect(() => { void load(); }, []);
  const done = (m: Message) => { setEditing(null); setMessage(m); void load(); };
  const shown = (people ?? []).filter((p) => !filter.trim() || `${p.userName} ${p.displayName} ${p.email ?? ""} ${p.groups.join(" ")}`.toLowerCase().includes(filter.trim().toLowerCase()));
  const person = people?.find((p) => p.userName === editing);
  return (
    <main className="portal">
      <h1>People and groups</h1>
      {message && <p className={`message ${message.error ? "error" : "info"}`} role={message.error ? "alert" : "status"} data-testid="people-message">{message.text}</p>}
      {editing === "new" ? <NewPerson groups={groups} onDone={done} />
        : person ? <PersonEditor key={person.userName} person={person} people={people ?? []} groups={groups} onDone={done} />
        : (
          <>
            <p className="row">
              <button type="button" onClick={() => { setMessage(null); setEditing("new"); }}>Add a person</button>
              <label>Find <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="name, email or group" /></label>
            </p>
            <table className="people" data-testid="people">
              <thead><tr><th>Name</th><th>Email</th><th>Roles</th><th>Groups</th><th>Account</th><th /></tr></thead>
              <tbody>
                {shown.map((p) => (
                  <tr key={p.userName} className={p.disabled ? "disabled" : undefined}>
                    <td><strong>{p.displayName}</strong> <span className="hint">{p.userName}</span></td>
                    <td>{p.email ?? ""}</td>
                    <td>{allRoles.filter((a) => (p.roles ?? []).includes(a.role)).map((a) => a.label).join(", ")}</td>
                    <td>{p.groups.join(", ")}</td>
                    <td>{p.disabled ? "Switched off" : "Active"}</td>
                    <td><button type="button" aria-label={`Edit ${p.displayName}`} onClick={() => { setMessage(null); setEditing(p.userName); }}>Edit</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h2>Groups</h2>
            <ul className="versions" data-testid="groups">
              {groups.map((g) => <li key={g.name}><strong>{g.name}</strong>{g.description ? ` · ${g.description}` : ""} · {(g.memberNames ?? g.members).join(", ") || "no members"}</li>)}
            </ul>
            <NewGroup onDone={(m) => { setMessage(m); void load(); }} />
          </>
        )}
    </main>
  );
}
