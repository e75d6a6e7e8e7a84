import { useEffect, useState } from "react";
import { api } from "./api";

export interface Group { name: string; members: string[]; memberNames?: string[] }

/** The groups with their members, as the Reassign form needs them: null while loading; an error once loading gave up. */
export interface GroupList { groups: Group[] | null; error: string | null; retry: () => void }

/**
 * Loads the groups once for the page, not per form: the form is remounted when the ticket's assignment changes,
 * and its options must not vanish while it reloads them. A failure is tried again once after a second (a server
 * busy for a moment), then shown with a way to try again, instead of leaving selects with nobody to pick.
 */
export function useGroups(enabled: boolean): GroupList {
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    let gone = false;
    let timer: number | undefined;
    const load = (retries: number) => {
      api.groups().then(
        (loaded) => { if (!gone) { setGroups(loaded); setError(null); } },
        (e: Error) => {
          if (gone) return;
          if (retries > 0) timer = window.setTimeout(() => load(retries - 1), 1000);
          else setError(e.message);
        });
    };
    setError(null);
    load(1);
    return () => { gone = true; window.clearTimeout(timer); };
  }, [enabled, attempt]);
  return { groups, error, retry: () => setAttempt((n) => n + 1) };
}

/** Staff move a ticket to another group or person; the revision read with it guards against a change made meanwhile. */
export function Reassign({ number, group, assignee, revision, groups, onDone }: {
  number: string; group?: string | null; assignee?: string | null; revision: number; groups: GroupList; onDone: (error?: string) => void;
}) {
  const [target, setTarget] = useState(group ?? "");
  const [person, setPerson] = useState(assignee ?? "");
  const list = groups.groups ?? [];
  const chosenGroup = list.find((g) => g.name === target);
  const members = chosenGroup?.members ?? [];
  const loading = groups.groups === null;
  return (
    <form className="row reassign" aria-label="Reassign" aria-busy={loading && !groups.error} onSubmit={async (e) => {
      e.preventDefault();
      try { await api.reassign(number, target, person, revision); onDone(); } catch (err) { onDone((err as Error).message); }
    }}>
      <label>Group <select value={target} disabled={loading} onChange={(e) => { setTarget(e.target.value); setPerson(""); }}>
        {/* The current group stands in while the list loads, so the select does not read blank. */}
        {loading && target && <option value={target}>{target}</option>}
        {list.map((g) => <option key={g.name} value={g.name}>{g.name}</option>)}
      </select></label>
      <label>Person <select value={person} disabled={loading} onChange={(e) => setPerson(e.target.value)}>
        <option value="">(anyone in the group)</option>
        {loading && person && <option value={person}>{person}</option>}
        {members.map((m, i) => <option key={m} value={m}>{chosenGroup?.memberNames?.[i] ?? m}</option>)}
      </select></label>
      <button type="submit" disabled={loading || !target || (target === (group ?? "") && person === (assignee ?? ""))}>Reassign</button>
      {groups.error && (
        <p className="message error" role="alert">
          The groups could not be loaded, so there is nobody to pick: {groups.error}{" "}
          <button type="button" onClick={groups.retry}>Try again</button>
        </p>
      )}
    </form>
  );
}
