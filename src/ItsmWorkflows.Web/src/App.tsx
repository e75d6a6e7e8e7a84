import { lazy, Suspense, useEffect, useState } from "react";
import { api, ApiError, prefetchDefinition, type ActivityDescriptor, type DefinitionSummary } from "./api";
import { Editor } from "./Editor";
import { InstanceView } from "./InstanceView";
import { mayLeave, setLeaveQuestion } from "./leaveGuard";

// The portal is its own chunk: the designer does not load it, and the portal does not wait for the designer's editor code.
const Portal = lazy(() => import("./Portal").then((m) => ({ default: m.Portal })));

function useHash() {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = (e: HashChangeEvent) => {
      // Unsaved work in the editor: asked first; staying puts the address back (a hash change cannot be cancelled).
      if (!mayLeave()) {
        history.replaceState(null, "", new URL(e.oldURL).hash || "#/");
        return;
      }
      setLeaveQuestion(null);
      setHash(window.location.hash);
    };
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return hash;
}

function DefinitionList() {
  const [items, setItems] = useState<DefinitionSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Only process owners and admins design; others (agents) may look, and requesters belong in the portal.
  const [designs, setDesigns] = useState(false);
  useEffect(() => {
    api.definitions().then(setItems, (e: Error) => setError(e instanceof ApiError && e.status === 403
      ? "The designer is for process owners and service desk staff. Your requests, approvals and tickets are in the portal."
      : e.message));
    api.me().then((me) => setDesigns(me.roles.some((r) => r === "process-owner" || r === "admin")), () => setDesigns(false));
  }, []);
  const create = async () => {
    const definitionId = window.prompt("Id of the new workflow (letters, digits and -):")?.trim();
    if (!definitionId) return;
    try {
      await api.create({ definitionId, name: definitionId, root: { type: "Elsa.Flowchart", id: "Flowchart1", activities: [], connections: [] } });
      window.location.hash = `#/definitions/${encodeURIComponent(definitionId)}`;
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <main className="list">
      <h1>Workflows <a className="hint" href="/portal/">portal</a></h1>
      {designs && <><button onClick={() => void create()}>New workflow</button>{" "}
      <label className="button">
        Import Elsa JSON
        <input
          type="file"
          accept="application/json,.json"
          aria-label="Import Elsa JSON"
          hidden
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            // The same file again, after fixing it, is a change the input reports.
            e.target.value = "";
            try {
              // A file the server cannot read is a 400 whose message says why (below).
              await api.importJson(await file.text());
              setItems(await api.definitions());
              setError(null);
            } catch (err) {
              setError((err as Error).message);
            }
          }}
        />
      </label></>}
      {error && <p className="message error" role="alert">{error} {error.includes("portal") && <a href="/portal/">Open the portal</a>}</p>}
      <table>
        <thead><tr><th>Name</th><th>Id</th><th>Latest</th><th>Published</th></tr></thead>
        <tbody>
          {(items ?? []).map((d) => (
            <tr key={d.definitionId}>
              <td><a href={`#/definitions/${encodeURIComponent(d.definitionId)}`}>{d.name}</a></td>
              <td>{d.definitionId}</td>
              <td>v{d.latestVersion} {d.latestState}</td>
              <td>{d.publishedVersion ? `v${d.publishedVersion}` : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}

export function App() {
  const hash = useHash();
  // The same app serves the portal at /portal/ and the designer at /designer/.
  if (window.location.pathname.startsWith("/portal")) return <Suspense fallback={<p className="hint">Loading…</p>}><Portal hash={hash} /></Suspense>;
  return <Designer hash={hash} />;
}

function Designer({ hash }: { hash: string }) {
  const [descriptors, setDescriptors] = useState<ActivityDescriptor[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const opening = /^#\/definitions\/(.+)$/.exec(window.location.hash);
    if (opening) prefetchDefinition(decodeURIComponent(opening[1]));
    api.activities().then((d) => { performance.mark("itsm:activities"); setDescriptors(d); }, (e: Error) => {
      if (e instanceof ApiError && e.status === 401) window.location.href = "/signin";
      else setError(e.message);
    });
  }, []);
  if (error) return <p className="message error" role="alert">{error}</p>;
  if (!descriptors) return <p className="hint">Loading…</p>;
  const instance = /^#\/instances\/(.+)$/.exec(hash);
  if (instance) return <InstanceView key={instance[1]} instanceId={decodeURIComponent(instance[1])} descriptors={descriptors} />;
  const match = /^#\/definitions\/(.+)$/.exec(hash);
  return match ? <Editor key={match[1]} definitionId={decodeURIComponent(match[1])} descriptors={descriptors} /> : <DefinitionList />;
}
