import { useEffect, useRef, useState, type FormEvent } from "react";
import { api, uploadAttachments, type Attachment, type AttachmentList } from "./api";

/** A size as people read it, as the server writes it in the history: "512 bytes", "120 KB", "2.4 MB". */
export function sizeText(bytes: number) {
  if (bytes === 1) return "1 byte";
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
}

/**
 * A ticket's files: each to download, with its size, who attached it and when; a Remove button (asked again before
 * it goes) on those the reader may remove. Whoever may attach more gets a file picker: a file that is too large, or
 * one too many, is refused beside it before anything is sent, and the server's refusal is shown in the same place.
 * Re-read whenever the page re-reads the ticket (`refresh`), so a file someone else attached appears live.
 */
export function Attachments({ number, refresh, onChanged }: { number: string; refresh: unknown; onChanged: () => void }) {
  const [list, setList] = useState<AttachmentList | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<File[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    let gone = false;
    api.attachments(number).then((l) => { if (!gone) { setList(l); setLoadError(null); } }, (e: Error) => { if (!gone) setLoadError(e.message); });
    return () => { gone = true; };
  }, [number, refresh]);

  // The server's limits, checked here first: a 40 MB video is refused at once, not after minutes of uploading.
  const problem = (files: File[], l: AttachmentList) => {
    const big = files.find((f) => f.size > l.maxFileBytes);
    if (big) return `${big.name} is larger than ${sizeText(l.maxFileBytes)}, the most one attachment may be; make it smaller (a compressed image, a zip), or share it another way and put the link in a note.`;
    const empty = files.find((f) => f.size === 0);
    if (empty) return `${empty.name} is empty (0 bytes); choose the file again.`;
    const total = files.reduce((sum, f) => sum + f.size, 0);
    if (total > l.maxUploadBytes) return `These files come to ${sizeText(total)}; one upload carries at most ${sizeText(l.maxUploadBytes)}. Attach them in several goes.`;
    const room = l.maxPerTicket - l.items.length;
    if (files.length > room) return `This ticket takes ${room} more file${room === 1 ? "" : "s"}; choose fewer, or remove ones it no longer needs.`;
    return null;
  };
  const upload = async (e: FormEvent) => {
    e.preventDefault();
    if (!list || chosen.length === 0) return;
    const refused = problem(chosen, list);
    setDone(null);
    if (refused) { setError(refused); return; }
    setError(null);
    setProgress(0);
    try {
      const added = await uploadAttachments(number, chosen, setProgress);
      setDone(`Attached ${added.map((a) => a.name).join(", ")}.`);
      setChosen([]);
      if (input.current) input.current.value = "";
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setProgress(null);
    }
  };
  const remove = async (a: Attachment) => {
    setConfirming(null);
    setDone(null);
    try {
      await api.removeAttachment(number, a.id);
      setError(null);
      setDone(`Removed ${a.name}.`);
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section aria-labelledby="attachments-title" data-testid="attachments">
      <h2 id="attachments-title">Attachments</h2>
      {loadError && <p className="message error" role="alert">The attachments could not be loaded: {loadError}</p>}
      {list && (list.items.length === 0 ? <p className="hint">No files attached.</p> : (
        <ul className="attachments">
          {list.items.map((a) => (
            <li key={a.id}>
              <a href={a.url} download={a.name}>{a.name}</a>{" "}
              <span className="hint">{sizeText(a.size)} · {a.by} · {new Date(a.at).toLocaleString()}</span>
              {a.canDelete && (confirming === a.id ? (
                <> <button onClick={() => void remove(a)}>Remove {a.name} for good</button> <button onClick={() => setConfirming(null)}>Keep it</button></>
              ) : (
                <> <button aria-label={`Remove ${a.name}`} onClick={() => setConfirming(a.id)}>Remove</button></>
              ))}
            </li>
          ))}
        </ul>
      ))}
      {list?.canAdd ? (
        <form className="row attach" aria-label="Add attachments" onSubmit={(e) => void upload(e)}>
          <label>Attach files <input ref={input} type="file" multiple onChange={(e) => { setChosen(Array.from(e.target.files ?? [])); setError(null); setDone(null); }} /></label>
          <button type="submit" disabled={chosen.length === 0 || progress !== null}>Upload</button>
          <span className="hint">each up to {sizeText(list.maxFileBytes)}</span>
        </form>
      ) : list?.cannotAdd ? <p className="hint" data-testid="attachments-refused">{list.cannotAdd}</p> : null}
      {progress !== null && <progress max={1} value={progress} aria-label="Upload progress" />}
      {/* Beside the picker that caused it. */}
      {error && <p className="message error" role="alert" data-testid="attachment-error">{error}</p>}
      {done && <p className="message info" role="status">{done}</p>}
    </section>
  );
}
