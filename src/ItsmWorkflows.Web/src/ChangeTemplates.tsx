import { useCallback, useEffect, useState } from "react";
import { api, ApiError, type ChangeTemplate, type Group, type Service } from "./api";
import { durationText } from "./ChangeForm";

type Draft = {
  id: string; name: string; description: string; services: string[]; assignmentGroup: string;
  implementationPlan: string; backoutPlan: string; testPlan: string; hours: string; active: boolean; revision: number | null;
};

const blank: Draft = { id: "", name: "", description: "", services: [], assignmentGroup: "", implementationPlan: "", backoutPlan: "", testPlan: "", hours: "", active: true, revision: null };

/** "02:30:00" → "2.5"; the form takes the longest window in hours. */
function hoursOf(span?: string | null): string {
  const m = span ? /^(?:(\d+)\.)?(\d+):(\d+)/.exec(span) : null;
  return m ? String((Number(m[1] ?? 0) * 1440 + Number(m[2]) * 60 + Number(m[3])) / 60) : "";
}

/** Hours → "hh:mm:ss" (days as "d.hh:mm:ss"), as the API reads a duration. */
function spanOf(hours: string): string | null {
  if (!hours.trim()) return null;
  const minutes = Math.round(Number(hours) * 60);
  if (!Number.isFinite(minutes)) return hours; // the server says what is wrong with it
  const pad = (n: number) => String(n).padStart(2, "0");
  const days = Math.floor(minutes / 1440);
  return `${days ? `${days}.` : ""}${pad(Math.floor((minutes % 1440) / 60))}:${pad(minutes % 60)}:00`;
}

const draftOf = (t: ChangeTemplate): Draft => ({
  id: t.id, name: t.name, description: t.description ?? "", services: t.services, assignmentGroup: t.assignmentGroup ?? "",
  implementationPlan: t.implementationPlan, backoutPlan: t.backoutPlan, testPlan: t.testPlan ?? "", hours: hoursOf(t.maxDuration), active: t.active, revision: t.revision ?? null,
});

/**
 * The standard change catalog: routine work authorized once, from which anyone who raises changes may raise a standard
 * change without the CAB. Staff read it; process owners and administrators write it (retiring, not deleting: changes
 * raised from a template keep pointing at it).
 */
export function ChangeTemplatesPage({ canEdit }: { canEdit: boolean }) {
  const [templates, setTemplates] = useState<ChangeTemplate[] | null>(null);
  const [services, setServices] = useState<Service[]>([]);
  const [groups, setGroups] = useState<Group[]>([]);
  const [showRetired, setShowRetired] = useState(false);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean; stale?: boolean } | null>(null);
  const load = useCallback(() => { api.changeTemplates(showRetired).then(setTemplates, (e: Error) => setMessage({ text: e.message, error: true })); }, [showRetired]);
  useEffect(load, [load]);
  useEffect(() => {
    api.services().then(setServices, () => undefined);
    if (canEdit) api.groups().then(setGroups, () => undefined);
  }, [canEdit]);
  const serviceName = (id: string) => services.find((s) => s.id === id)?.name ?? id;
  const set = (key: keyof Draft) => (e: { target: { value: string } }) => draft && setDraft({ ...draft, [key]: e.target.value });

  const save = async () => {
    if (!draft) return;
    try {
      const saved = await api.saveChangeTemplate(draft.id.trim(), {
        name: draft.name, description: draft.description || null, services: draft.services, assignmentGroup: draft.assignmentGroup || null,
        implementationPlan: draft.implementationPlan, backoutPlan: draft.backoutPlan, testPlan: draft.testPlan || null,
        maxDuration: spanOf(draft.hours), active: draft.active, revision: draft.revision,
      });
      setMessage({ text: `Saved “${saved.name}” (revision ${saved.revision}).`, error: false });
      setDraft(null);
      load();
    } catch (e) {
      setMessage({ text: (e as Error).message, error: true, stale: e instanceof ApiError && e.status === 409 && draft.revision !== null });
    }
  };
  // An edit refused because someone saved first: take theirs and redo the edit on it.
  const reload = async () => {
    if (!draft) return;
    const fresh = (await api.changeTemplates(true)).find((t) => t.id === draft.id);
    setDraft(fresh ? draftOf(fresh) : { ...draft, revision: null });
    setMessage({ text: "Reloaded the template as it is now; make your edit again.", error: false });
    load();
  };

  return (
    <main className="portal">
      <h1>Standard change templates</h1>
      <p className="hint">Routine, low-risk work authorized once: a standard change is raised from one of these and goes ahead without the Change Advisory Board, with the template's services, plans and longest window. Anything else is a normal change.</p>
      <p>
        <label className="check"><input type="checkbox" checked={showRetired} onChange={(e) => setShowRetired(e.target.checked)} /> Show retired templates</label>
        {canEdit && !draft && <> <button onClick={() => { setDraft({ ...blank }); setMessage(null); }}>New template</button></>}
      </p>
      {message && <p className={`message${message.error ? " error" : ""}`} role={message.error ? "alert" : "status"}>{message.text}{message.stale && <> <button onClick={() => void reload()}>Reload it</button></>}</p>}
      {draft && (
        <form className="request-form" aria-label={draft.revision === null ? "New template" : `Edit ${draft.name}`} onSubmit={(e) => { e.preventDefault(); void save(); }}>
          <h2>{draft.revision === null ? "New template" : `Edit “${draft.name}”`}</h2>
          {draft.revision === null && (
            <div className="form-field"><label htmlFor="tpl-id">Id * (lower-case letters, digits and -)</label><input id="tpl-id" required pattern="[a-z0-9\-]{1,64}" value={draft.id} onChange={set("id")} /></div>
          )}
          <div className="form-field"><label htmlFor="tpl-name">Name *</label><input id="tpl-name" required maxLength={200} value={draft.name} onChange={set("name")} /></div>
          <div className="form-field"><label htmlFor="tpl-description">When it applies</label><textarea id="tpl-description" value={draft.description} onChange={set("description")} /></div>
          <fieldset className="form-field">
            <legend>Services it is authorized for *</legend>
            {services.map((s) => (
              <label key={s.id} className="check">
                <input type="checkbox" checked={draft.services.includes(s.id)} onChange={(e) => setDraft({ ...draft, services: e.target.checked ? [...draft.services, s.id] : draft.services.filter((x) => x !== s.id) })} /> {s.name}
              </label>
            ))}
          </fieldset>
          <div className="form-field">
            <label htmlFor="tpl-group">Done by</label>
            <select id="tpl-group" value={draft.assignmentGroup} onChange={set("assignmentGroup")}>
              <option value="">The main service's technical team</option>
              {groups.map((g) => <option key={g.name} value={g.name}>{g.name}</option>)}
            </select>
          </div>
          <div className="form-field"><label htmlFor="tpl-impl">Implementation plan *</label><textarea id="tpl-impl" required value={draft.implementationPlan} onChange={set("implementationPlan")} /></div>
          <div className="form-field"><label htmlFor="tpl-backout">Back-out plan *</label><textarea id="tpl-backout" required value={draft.backoutPlan} onChange={set("backoutPlan")} /></div>
          <div className="form-field"><label htmlFor="tpl-test">Test plan</label><textarea id="tpl-test" value={draft.testPlan} onChange={set("testPlan")} /></div>
          <div className="form-field"><label htmlFor="tpl-hours">Longest window (hours; empty: any)</label><input id="tpl-hours" type="number" min="0.25" step="0.25" value={draft.hours} onChange={set("hours")} /></div>
          <label className="check"><input type="checkbox" checked={draft.active} onChange={(e) => setDraft({ ...draft, active: e.target.checked })} /> In use (unticked: retired, no new changes from it)</label>
          <p>
            <button type="submit">Save template</button> <button type="button" onClick={() => { setDraft(null); setMessage(null); }}>Cancel</button>
          </p>
        </form>
      )}
      {templates && templates.length === 0 && <p className="hint">No templates{showRetired ? "" : " in use"}.</p>}
      {templates && templates.length > 0 && (
        <table className="people" data-testid="change-templates">
          <thead><tr><th>Template</th><th>Services</th><th>Done by</th><th>Longest window</th><th>Changes raised</th><th>Last edited</th>{canEdit && <th />}</tr></thead>
          <tbody>
            {templates.map((t) => (
              <tr key={t.id} className={t.active ? "" : "retired"}>
                <td><strong>{t.name}</strong>{!t.active && <> <span className="badge">retired</span></>}{t.description && <div className="hint">{t.description}</div>}</td>
                <td>{t.services.map(serviceName).join(", ")}</td>
                <td>{t.assignmentGroup ?? <span className="hint">the service's team</span>}</td>
                <td>{durationText(t.maxDuration) || <span className="hint">any</span>}</td>
                <td>{t.used ?? 0}</td>
                <td>{t.updatedBy}{t.updatedAt ? `, ${new Date(t.updatedAt).toLocaleDateString()}` : ""}</td>
                {canEdit && <td><button aria-label={`Edit ${t.name}`} onClick={() => { setDraft(draftOf(t)); setMessage(null); }}>Edit</button></td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
