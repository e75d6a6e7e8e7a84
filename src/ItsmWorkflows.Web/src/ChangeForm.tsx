import { useEffect, useState } from "react";
import { api, type ChangeTemplate, type Service } from "./api";

/** datetime-local gives local wall time without a zone; the API takes an instant. */
function toInstant(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

const userImpacts = [["none", "Nobody notices"], ["some", "Some people"], ["many", "Many people"], ["all", "Everyone"]] as const;
const checks = [["tested", "Tested in a test environment"], ["rollbackTested", "The back-out was tested"], ["doneBefore", "Done this way before"], ["downtime", "Needs downtime"]] as const;

/** "02:00:00" or "1.00:00:00" as people say it: "2 hours", "1 day". */
export function durationText(span?: string | null): string {
  const m = span ? /^(?:(\d+)\.)?(\d+):(\d+):(\d+)/.exec(span) : null;
  if (!m) return "";
  const minutes = Number(m[1] ?? 0) * 1440 + Number(m[2]) * 60 + Number(m[3]);
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  return minutes % 1440 === 0 ? part(minutes / 1440, "day") : minutes % 60 === 0 ? part(minutes / 60, "hour") : part(minutes, "minute");
}

/**
 * Raise a change: what, when, which services, the plans, and the risk questionnaire the workflow assesses. A standard
 * change comes from a template instead, which brings its services, plans and group: that is what was authorized.
 */
export function ChangeForm() {
  const [services, setServices] = useState<Service[]>([]);
  const [form, setForm] = useState({ title: "", type: "normal", description: "", plannedStart: "", plannedEnd: "", implementationPlan: "", backoutPlan: "", testPlan: "" });
  const [chosen, setChosen] = useState<string[]>([]);
  const [questionnaire, setQuestionnaire] = useState<Record<string, string | boolean>>({ userImpact: "some", tested: false, rollbackTested: false, doneBefore: false, downtime: false });
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [templates, setTemplates] = useState<ChangeTemplate[] | null>(null);
  const [templateId, setTemplateId] = useState("");
  useEffect(() => {
    api.services().then(setServices, (e: Error) => setMessage(e.message));
    api.changeTemplates().then(setTemplates, (e: Error) => setMessage(e.message));
  }, []);
  const standard = form.type === "standard";
  const template = standard ? templates?.find((t) => t.id === templateId) : undefined;
  const serviceName = (id: string) => services.find((s) => s.id === id)?.name ?? id;
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  return (
    <main className="portal">
      <h1>Raise a change</h1>
      <form className="request-form" aria-label="Raise a change" onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        try {
          const when = { plannedStart: toInstant(form.plannedStart), plannedEnd: toInstant(form.plannedEnd), description: form.description || undefined };
          const ticket = await api.raiseChange(standard
            ? { ...when, title: form.title, type: "standard", template: templateId, services: [] }
            : {
              ...when, title: form.title, type: form.type, services: chosen,
              implementationPlan: form.implementationPlan || undefined, backoutPlan: form.backoutPlan || undefined, testPlan: form.testPlan || undefined,
              questionnaire,
            });
          window.location.hash = `#/tickets/${ticket.number}`;
        } catch (err) { setMessage((err as Error).message); } finally { setBusy(false); }
      }}>
        <div className="form-field">
          <label htmlFor="chg-type">Type</label>
          <select id="chg-type" value={form.type} onChange={set("type")}>
            <option value="standard">Standard (pre-approved routine work, from a template)</option>
            <option value="normal">Normal (assessed and approved)</option>
            <option value="emergency">Emergency (approved at once by the emergency CAB)</option>
          </select>
        </div>
        {standard && (
          <div className="form-field">
            <label htmlFor="chg-template">Template *</label>
            <select id="chg-template" required value={templateId} onChange={(e) => setTemplateId(e.target.value)}>
              <option value="" />
              {(templates ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
            </select>
            {templates?.length === 0 && <p className="hint">No routine work is authorized as a template yet (a process owner adds templates on the Change templates page): raise it as a normal change.</p>}
          </div>
        )}
        {template && (
          <div className="template-facts" data-testid="template-facts">
            {template.description && <p>{template.description}</p>}
            <dl className="facts">
              <div><dt>Services</dt><dd>{template.services.map(serviceName).join(", ")}</dd></div>
              {template.assignmentGroup && <div><dt>Done by</dt><dd>{template.assignmentGroup}</dd></div>}
              {template.maxDuration && <div><dt>Longest window</dt><dd>{durationText(template.maxDuration)}</dd></div>}
              <div><dt>Implementation plan</dt><dd>{template.implementationPlan}</dd></div>
              <div><dt>Back-out plan</dt><dd>{template.backoutPlan}</dd></div>
              {template.testPlan && <div><dt>Test plan</dt><dd>{template.testPlan}</dd></div>}
            </dl>
          </div>
        )}
        <div className="form-field">
          <label htmlFor="chg-title">{standard ? "What changes?" : "What changes? *"}</label>
          <input id="chg-title" required={!standard} value={form.title} onChange={set("title")} placeholder={template?.name} />
        </div>
        {!standard && <fieldset className="form-field">
          <legend>Services affected *</legend>
          {services.map((s) => (
            <label key={s.id} className="check">
              <input type="checkbox" checked={chosen.includes(s.id)} onChange={(e) => setChosen(e.target.checked ? [...chosen, s.id] : chosen.filter((x) => x !== s.id))} /> {s.name}
            </label>
          ))}
        </fieldset>}
        <div className="form-field"><label htmlFor="chg-start">Planned start *</label><input id="chg-start" type="datetime-local" required value={form.plannedStart} onChange={set("plannedStart")} /></div>
        <div className="form-field"><label htmlFor="chg-end">Planned end *</label><input id="chg-end" type="datetime-local" required value={form.plannedEnd} onChange={set("plannedEnd")} /></div>
        <div className="form-field"><label htmlFor="chg-description">Why</label><textarea id="chg-description" value={form.description} onChange={set("description")} /></div>
        {!standard && <>
        <div className="form-field"><label htmlFor="chg-impl">Implementation plan</label><textarea id="chg-impl" value={form.implementationPlan} onChange={set("implementationPlan")} /></div>
        <div className="form-field"><label htmlFor="chg-backout">Back-out plan</label><textarea id="chg-backout" value={form.backoutPlan} onChange={set("backoutPlan")} /></div>
        <div className="form-field"><label htmlFor="chg-test">Test plan</label><textarea id="chg-test" value={form.testPlan} onChange={set("testPlan")} /></div>
        <fieldset className="form-field">
          <legend>Risk</legend>
          <label htmlFor="chg-impact">Who notices while it happens?</label>
          <select id="chg-impact" value={String(questionnaire.userImpact)} onChange={(e) => setQuestionnaire({ ...questionnaire, userImpact: e.target.value })}>
            {userImpacts.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
          </select>
          {checks.map(([key, text]) => (
            <label key={key} className="check">
              <input type="checkbox" checked={questionnaire[key] === true} onChange={(e) => setQuestionnaire({ ...questionnaire, [key]: e.target.checked })} /> {text}
            </label>
          ))}
        </fieldset>
        </>}
        {message && <p className="message error" role="alert">{message}</p>}
        <button type="submit" disabled={busy}>Raise change</button>
      </form>
    </main>
  );
}
