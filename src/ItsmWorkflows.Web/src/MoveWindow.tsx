import { useState } from "react";

/** A datetime-local field's value (local time, minutes) for an instant. */
function local(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * Moves a change's window: while a conflict holds it, or while it is scheduled and its window has not opened. The
 * times are the browser's local time; the new window is authorized again (a normal change goes back to the CAB) and
 * checked against the change calendar.
 */
export function MoveWindow({ start, end, onMove }: { start?: string | null; end?: string | null; onMove: (start: string, end: string) => Promise<boolean> }) {
  const [from, setFrom] = useState(local(start));
  const [to, setTo] = useState(local(end));
  // One move at a time: a second click while the first is on its way would race it.
  const [busy, setBusy] = useState(false);
  const valid = from !== "" && to !== "" && new Date(to) > new Date(from);
  const move = async () => {
    setBusy(true);
    try { await onMove(new Date(from).toISOString(), new Date(to).toISOString()); } finally { setBusy(false); }
  };
  return (
    <form className="row" aria-label="Move the window" onSubmit={(e) => { e.preventDefault(); if (!busy) void move(); }}>
      <label>New window from <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
      <label>to <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} /></label>
      <button type="submit" disabled={!valid || busy}>Move the window</button>
    </form>
  );
}
