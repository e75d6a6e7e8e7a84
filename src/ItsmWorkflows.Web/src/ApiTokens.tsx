import { useEffect, useState } from "react";
import { api, type ApiToken } from "./api";

/**
 * My API tokens: a script or a monitoring system calls as me (my roles, nothing more) with
 * "Authorization: Bearer itsm_…". A token is shown once, when it is made; the list shows only its first characters.
 */
/** Changing one's own password: the current one is needed; other sessions end, this one stays. */
function PasswordForm() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const change = async () => {
    setMessage(null);
    try {
      await api.changeMyPassword(current, next);
      setCurrent("");
      setNext("");
      setMessage({ text: "Your password is changed; your other sessions have ended.", error: false });
    } catch (e) { setMessage({ text: (e as Error).message, error: true }); }
  };
  return (
    <form className="row" aria-label="Change your password" onSubmit={(e) => { e.preventDefault(); void change(); }}>
      <label>Current password <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} /></label>
      <label>New password <input type="password" autoComplete="new-password" minLength={12} value={next} onChange={(e) => setNext(e.target.value)} /></label>
      <button type="submit" disabled={!current || next.length < 12}>Change password</button>
      {message && <p className={`message ${message.error ? "error" : "info"}`} role={message.error ? "alert" : "status"} data-testid="password-message">{message.text}</p>}
    </form>
  );
}

export function ApiTokensPage() {
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [name, setName] = useState("");
  const [days, setDays] = useState(90);
  const [made, setMade] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => api.tokens().then(setTokens, (e: Error) => setError(e.message));
  useEffect(() => { void load(); }, []);
  const make = async () => {
    setError(null);
    try {
      const created = await api.makeToken(name.trim(), days);
      setMade(created.token);
      setName("");
      await load();
    } catch (e) { setError((e as Error).message); }
  };
  const revoke = async (id: string) => {
    setError(null);
    try { await api.revokeToken(id); await load(); } catch (e) { setError((e as Error).message); }
  };
  return (
    <main className="portal">
      <h1>API tokens</h1>
      <p className="hint">A script, an integration or a monitoring system's webhook calls as you, with your roles, by sending <code>Authorization: Bearer itsm_…</code>.</p>
      {error && <p className="message error" role="alert">{error}</p>}
      <form className="row" aria-label="New API token" onSubmit={(e) => { e.preventDefault(); void make(); }}>
        <label>What it is for <input value={name} maxLength={100} onChange={(e) => setName(e.target.value)} placeholder="Monitoring webhook" /></label>
        <label>Days it lasts <input type="number" min={1} max={730} value={days} onChange={(e) => setDays(Number(e.target.value))} /></label>
        <button type="submit" disabled={!name.trim()}>Make token</button>
      </form>
      {made && (
        <p className="message info" role="status" data-testid="new-token">
          Copy it now, it is not shown again: <code>{made}</code> <button type="button" onClick={() => setMade(null)}>Done</button>
        </p>
      )}
      <ul className="versions" data-testid="tokens">
        {(tokens ?? []).map((t) => (
          <li key={t.id}>
            <strong>{t.name}</strong> <code>{t.hint}…</code> · made {new Date(t.createdAt).toLocaleDateString()}
            {t.revokedAt ? ` · revoked ${new Date(t.revokedAt).toLocaleDateString()}`
              : ` · expires ${new Date(t.expiresAt).toLocaleDateString()}${t.lastUsedAt ? ` · last used ${new Date(t.lastUsedAt).toLocaleString()}` : " · never used"}`}
            {!t.revokedAt && <> <button type="button" onClick={() => void revoke(t.id)}>Revoke</button></>}
          </li>
        ))}
        {tokens?.length === 0 && <li className="hint">No tokens yet.</li>}
      </ul>
      <h2>Your password</h2>
      <p className="hint">For signing in with a password (not needed when you sign in through your organisation's account).</p>
      <PasswordForm />
    </main>
  );
}
