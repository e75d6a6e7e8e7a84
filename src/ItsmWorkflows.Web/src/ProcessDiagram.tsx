import { useEffect, useMemo, useState } from "react";
import { Background, Controls, ReactFlow, ReactFlowProvider, type Edge, type NodeTypes } from "@xyflow/react";
import { api, type ActivityDescriptor, type TicketProcess } from "./api";
import { ActivityNode } from "./ActivityNode";
import { FitViewButton, useFitView } from "./FitView";
import { sized } from "./geometry";
import { autoLayout } from "./layout";
import { activityNames, runMarks, toGraph, type ActivityFlowNode } from "./model";

const nodeTypes: NodeTypes = { activity: ActivityNode };

/**
 * A ticket's workflow, read-only and compact, for everyone who may see the ticket: the steps done, the
 * connections followed and the step it waits on now, marked as in the designer's instance view.
 * `refresh` changes whenever the ticket page re-reads the ticket, so the marks move with it. `nowAt`, when given, is
 * where the ticket is in the reader's terms (a requester's), said instead of the step names it waits on.
 */
function Diagram({ number, refresh, nowAt }: { number: string; refresh: unknown; nowAt?: string }) {
  const [process, setProcess] = useState<TicketProcess | null>(null);
  const [descriptors, setDescriptors] = useState<ActivityDescriptor[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fit = useFitView();

  useEffect(() => {
    api.activities().then(setDescriptors, (e: Error) => setError(e.message)); // asked once per page by api.ts
  }, []);
  useEffect(() => {
    api.ticketProcess(number).then(setProcess, (e: Error) => setError(e.message));
  }, [number, refresh]);

  const graph = useMemo(() => {
    if (!process || !descriptors) return null;
    const g = toGraph(process.definition, new Map(descriptors.map((d) => [d.typeName, d])));
    const marks = runMarks(process.journal, process.waiting, process.faulted);
    const nodes = (g.hasPositions ? g.nodes : autoLayout(g.nodes, g.edges)).map((n): ActivityFlowNode => sized({
      ...n, draggable: false, connectable: false, selectable: false, data: { ...n.data, run: marks.node(n.id) },
    }));
    const edges: Edge[] = g.edges.map((e) => (marks.edgeTaken(e) ? { ...e, className: "taken", animated: marks.waiting.has(e.target) } : e));
    return { nodes, edges };
  }, [process, descriptors]);

  // Opens on where the process is: the step(s) it waits on and their neighbours, at a readable zoom (a whole
  // process of 30 steps fitted into the page is a few pixels a letter); the fit button shows all of it.
  const waiting = process?.waiting.join(",") ?? "";
  const layoutKey = graph ? `${graph.nodes.length}:${waiting}` : "";
  useEffect(() => {
    if (!graph || graph.nodes.length === 0) return;
    const current = new Set(waiting ? waiting.split(",") : []);
    const focus = new Set(current);
    for (const e of graph.edges) {
      if (current.has(e.source)) focus.add(e.target);
      if (current.has(e.target)) focus.add(e.source);
    }
    const nodes = focus.size > 0 ? [...focus] : undefined;
    setTimeout(() => void fit({ nodes, padding: 0.15, maxZoom: 1, minZoom: 0.1 }), 50);
    // Refit when the layout or the current step changes (the key says both), not on every re-read.
  }, [layoutKey, fit]);

  if (error) return <p className="message error" role="alert">{error}</p>;
  if (!graph || !process) return <p className="hint">Loading the process…</p>;
  if (graph.nodes.length === 0) return <p className="hint">This process has no diagram to show.</p>;
  const names = activityNames(graph.nodes);
  // An SLA clock's own thresholds are waits too, but the clocks are shown on the page as clocks, not as steps.
  const types = new Map(graph.nodes.map((n) => [n.id, n.data.activity.type]));
  const steps = process.waiting.filter((id) => types.get(id) !== "Itsm.WaitForSlaThreshold");
  return (
    <>
      <p className="hint">
        {process.name} v{process.version} · {steps.length > 0 ? <>now at <strong data-testid="process-current">{nowAt ?? steps.map((id) => names.get(id) ?? id).join(", ")}</strong></> : process.status}
        {" "}<span className="legend"><span className="run-done">done</span> <span className="run-waiting">waiting</span> <span className="run-faulted">faulted</span></span>
      </p>
      <div className="process-diagram" data-testid="process-diagram" data-nodes={graph.nodes.length}>
        <ReactFlow nodes={graph.nodes} edges={graph.edges} nodeTypes={nodeTypes} nodesDraggable={false} nodesConnectable={false} elementsSelectable={false} minZoom={0.1} onlyRenderVisibleElements>
          <Background />
          <Controls showInteractive={false} showFitView={false}><FitViewButton maxZoom={1} /></Controls>
        </ReactFlow>
      </div>
    </>
  );
}

export function ProcessDiagram(props: { number: string; refresh: unknown; nowAt?: string }) {
  return (
    <ReactFlowProvider>
      <Diagram {...props} />
    </ReactFlowProvider>
  );
}
