import { useEffect, useMemo, useState } from "react";
import { Background, Controls, ReactFlow, ReactFlowProvider, useReactFlow, type Edge, type NodeTypes } from "@xyflow/react";
import { api, type ActivityDescriptor, type InstanceDetail } from "./api";
import { ActivityNode } from "./ActivityNode";
import { FitViewButton, useOpeningView } from "./FitView";
import { MoveInstance } from "./MoveInstances";
import { sized } from "./geometry";
import { autoLayout } from "./layout";
import { activityNames, runMarks, toGraph, type ActivityFlowNode } from "./model";

const nodeTypes: NodeTypes = { activity: ActivityNode };

/**
 * A running or finished instance, read-only: the path it took (activities completed, connections followed),
 * where it waits now, what faulted, and its journal beside the canvas.
 */
function InstanceCanvas({ instanceId, descriptors }: { instanceId: string; descriptors: ActivityDescriptor[] }) {
  const byType = useMemo(() => new Map(descriptors.map((d) => [d.typeName, d])), [descriptors]);
  const [detail, setDetail] = useState<InstanceDetail | null>(null);
  const [graph, setGraph] = useState<{ nodes: ActivityFlowNode[]; edges: Edge[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const flow = useReactFlow();
  const open = useOpeningView();

  useEffect(() => {
    (async () => {
      const d = await api.instance(instanceId);
      const definition = await api.definitionVersion(d.instance.definitionId, d.instance.version);
      const g = toGraph(definition.definition, byType);
      const marks = runMarks(d.journal, d.bookmarks.map((b) => b.activityId), d.incidents.filter((i) => !i.resolvedAt).map((i) => i.activityId));
      const nodes = (g.hasPositions ? g.nodes : autoLayout(g.nodes, g.edges)).map((n): ActivityFlowNode => sized({
        ...n, draggable: false, connectable: false, data: { ...n.data, run: marks.node(n.id) },
      }));
      const edges = g.edges.map((e) => (marks.edgeTaken(e) ? { ...e, className: "taken", animated: marks.waiting.has(e.target) } : e));
      setDetail(d);
      setGraph({ nodes, edges });
    })().catch((e: Error) => setError(e.message));
  }, [instanceId, byType, reloads]);

  useEffect(() => {
    if (graph) setTimeout(() => open(graph.nodes), 50);
  }, [graph, open]);

  if (error) return <p className="message error" role="alert">{error}</p>;
  if (!detail || !graph) return <p className="hint">Loading…</p>;
  const names = activityNames(graph.nodes);
  return (
    <div className="editor">
      <header className="toolbar">
        <a href={`#/definitions/${encodeURIComponent(detail.instance.definitionId)}`} aria-label="The workflow">←</a>
        <strong>{detail.instance.name ?? detail.instance.definitionId}</strong>
        <span className="badge" data-testid="instance-status">{detail.instance.subStatus}</span>
        <span className="hint">
          v{detail.instance.version}{detail.instance.correlationId ? ` · ${detail.instance.correlationId}` : ""} · started {new Date(detail.instance.createdAt).toLocaleString()}
        </span>
        {detail.instance.status === "Running" && (
          <MoveInstance instanceId={instanceId} definitionId={detail.instance.definitionId} version={detail.instance.version} onMoved={() => setReloads((n) => n + 1)} />
        )}
        <span className="legend"><span className="run-done">done</span> <span className="run-waiting">waiting</span> <span className="run-faulted">faulted</span></span>
      </header>
      <div className="workspace">
        <div className="canvas" data-testid="canvas" data-nodes={graph.nodes.length}>
          <ReactFlow nodes={graph.nodes} edges={graph.edges} nodeTypes={nodeTypes} nodesDraggable={false} nodesConnectable={false} minZoom={0.1} onlyRenderVisibleElements>
            <Background />
            <Controls showInteractive={false} showFitView={false}><FitViewButton maxZoom={1} /></Controls>
          </ReactFlow>
        </div>
        <aside className="properties" aria-label="Journal">
          <h2>Journal</h2>
          {detail.bookmarks.length > 0 && (
            <p data-testid="waiting-on">Waiting on: {[...new Set(detail.bookmarks.map((b) => names.get(b.activityId) ?? b.activityId))].join(", ")}</p>
          )}
          {detail.incidents.filter((i) => !i.resolvedAt).map((i) => <p key={i.id} className="issue" role="alert">{names.get(i.activityId)}: {i.message}</p>)}
          <ol className="journal" data-testid="journal">
            {detail.journal.map((j) => (
              <li key={j.sequence}>
                <button className="link" onClick={() => {
                  const node = graph.nodes.find((n) => n.id === j.activityId);
                  if (node) void flow.setCenter(node.position.x + 110, node.position.y + 45, { zoom: 1, duration: 200 });
                }}>
                  {new Date(j.at).toLocaleTimeString()} {names.get(j.activityId) ?? j.activityId} — {j.event}{j.outcomes?.length ? ` (${j.outcomes.join(", ")})` : ""}
                </button>
                {j.message && <div className="hint">{j.message}</div>}
              </li>
            ))}
          </ol>
        </aside>
      </div>
    </div>
  );
}

export function InstanceView(props: { instanceId: string; descriptors: ActivityDescriptor[] }) {
  return (
    <ReactFlowProvider>
      <InstanceCanvas {...props} />
    </ReactFlowProvider>
  );
}
