import { useEffect, useState } from "react";
import { api, type Service } from "./api";

/** datetime-local gives local wall time without a zone; the API takes an instant. */
function toInstant(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

const userImpacts = [["none", "Nobody notices"], ["some", "Some people"], ["many", "Many people"], ["all", "Everyone"]] as const;
const checks = [["tested", "Tested in a test environment"], ["rollbackTested", "The back-out was tested"], ["doneBefore", "Done this way before"], ["downtime", "Needs downtime"]] as const;

/** Raise a change: what, when, which services, the plans, and the risk questionnaire the workflow assesses. */
export function ChangeForm() {
  const [services, setServices] = useState<Service[]>([]);
  const [form, setForm] = useState({ title: "", type: "normal", description: "", plannedStart: "", plannedEnd: "", implementationPlan: "", backoutPlan: "", testPlan: "" });
  const [chosen, setChosen] = useState<string[]>([]);
  const [questionnaire, setQuestionnaire] = useState<Record<string, string | boolean>>({ userImpact: "some", tested: false, rollbackTested: false, doneBefore: false, downtime: false });
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { api.services().then(setServices, (e: Error) => setMessage(e.message)); }, []);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  return (
    <main className="portal">
      <h1>Raise a change</h1>
      <form className="request-form" aria-label="Raise a change" onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        try {
          const ticket = await api.raiseChange({
            title: form.title, type: form.type, description: form.description || undefined, services: chosen,
            plannedStart: toInstant(form.plannedStart), plannedEnd: toInstant(form.plannedEnd),
            implementationPlan: form.implementationPlan || undefined, backoutPlan: form.backoutPlan || undefined, testPlan: form.testPlan || undefined,
            questionnaire,
          });
          window.location.hash = `#/tickets/${ticket.number}`;
        } catch (err) { setMessage((err as Error).message); } finally { setBusy(false); }
      }}>
        <div className="form-field"><label htmlFor="chg-title">What changes? *</label><input id="chg-title" required value={form.title} onChange={set("title")} /></div>
        <div className="form-field">
          <label htmlFor="chg-type">Type</label>
          <select id="chg-type" value={form.type} onChange={set("type")}>
            <option value="standard">Standard (pre-approved, low risk)</option>
            <option value="normal">Normal (assessed and approved)</option>
            <option value="emergency">Emergency (approved at once by the emergency CAB)</option>
          </select>
        </div>
        <fieldset className="form-field">
          <legend>Services affected *</legend>
          {services.map((s) => (
            <label key={s.id} className="check">
              <input type="checkbox" checked={chosen.includes(s.id)} onChange={(e) => setChosen(e.target.checked ? [...chosen, s.id] : chosen.filter((x) => x !== s.id))} /> {s.name}
            </label>
          ))}
        </fieldset>
        <div className="form-field"><label htmlFor="chg-start">Planned start *</label><input id="chg-start" type="datetime-local" required value={form.plannedStart} onChange={set("plannedStart")} /></div>
        <div className="form-field"><label htmlFor="chg-end">Planned end *</label><input id="chg-end" type="datetime-local" required value={form.plannedEnd} onChange={set("plannedEnd")} /></div>
        <div className="form-field"><label htmlFor="chg-description">Why</label><textarea id="chg-description" value={form.description} onChange={set("description")} /></div>
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
        {message && <p className="message error" role="alert">{message}</p>}
        <button type="submit" disabled={busy}>Raise change</button>
      </form>
    </main>
  );
}
