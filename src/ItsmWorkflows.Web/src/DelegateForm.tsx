import { useEffect, useState } from "react";
import { api, type DirectoryPerson, type Me } from "./api";

/**
 * Away? The approver names who decides for them meanwhile: the delegate gets their own link for every approval that
 * already waits on the approver and for each new one, until the approver clears it (the delegate's unused links
 * then stop working).
 */
export function DelegateForm({ me, onChanged }: { me: Me; onChanged: () => void }) {
  const [people, setPeople] = useState<DirectoryPerson[] | null>(null);
  const [chosen, setChosen] = useState("");
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const load = () => api.people().then((list) => {
    setPeople(list);
    setChosen(list.find((p) => p.userName === me.userName)?.delegate ?? "");
  }, (e: Error) => setMessage({ text: `Could not load people: ${e.message}`, error: true }));
  useEffect(() => { void load(); }, []); // eslint-disable-line react-hooks/exhaustive-deps
  const current = people?.find((p) => p.userName === me.userName)?.delegate ?? "";
  const nameOf = (userName: string) => people?.find((p) => p.userName === userName)?.displayName ?? userName;
  const save = async (delegate: string | null) => {
    try {
      await api.setDelegate(delegate);
      setMessage({ text: delegate
        ? `${nameOf(delegate)} now decides your approvals, those already waiting included, until you clear this.`
        : "You decide your approvals again; links your former delegate did not use no longer work.", error: false });
      await load();
      onChanged();
    } catch (e) { setMessage({ text: (e as Error).message, error: true }); }
  };
  return (
    <form className="delegate row" aria-label="Delegate" onSubmit={(e) => { e.preventDefault(); void save(chosen || null); }}>
      <label>While I am away, my approvals go to{" "}
        <select value={chosen} onChange={(e) => setChosen(e.target.value)} disabled={!people}>
          <option value="">(nobody: I decide them)</option>
          {(people ?? []).filter((p) => p.userName !== me.userName).map((p) => <option key={p.userName} value={p.userName}>{p.displayName}</option>)}
        </select>
      </label>
      <button type="submit" disabled={!people || chosen === current}>{chosen ? "Name delegate" : "Clear delegate"}</button>
      {message && <p className={`message ${message.error ? "error" : "info"}`} role={message.error ? "alert" : "status"} data-testid="delegate-message">{message.text}</p>}
    </form>
  );
}
