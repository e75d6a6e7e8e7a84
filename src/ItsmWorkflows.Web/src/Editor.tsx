import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import {
  addEdge, Background, Controls, MiniMap, ReactFlow, ReactFlowProvider, useEdgesState, useNodesState, useReactFlow,
  type Connection, type Edge, type NodeTypes,
} from "@xyflow/react";
import { api, ApiError, type ActivityDescriptor, type DefinitionDetail, type DefinitionDiff, type TestRunView, type ValidationIssue } from "./api";
import { ActivityNode, colourOf } from "./ActivityNode";
import { ComparisonBar } from "./ComparisonBar";
import { FitViewButton } from "./FitView";
import { openingViewport, sized } from "./geometry";
import { autoLayout } from "./layout";
import { setLeaveQuestion } from "./leaveGuard";
import { activityNames, fromGraph, newActivity, runMarks, toGraph, type ActivityFlowNode, type ActivityJson } from "./model";
import { TestRunPanel } from "./TestRunPanel";
import { mergeDefinitions } from "./merge";
import { Properties } from "./Properties";
import { Toolbox } from "./Toolbox";
import { WorkflowPanel } from "./WorkflowPanel";

const nodeTypes: NodeTypes = { activity: ActivityNode };

interface Snapshot { nodes: ActivityFlowNode[]; edges: Edge[] }

function EditorCanvas({ definitionId, descriptors }: { definitionId: string; descriptors: ActivityDescriptor[] }) {
  const byType = useMemo(() => new Map(descriptors.map((d) => [d.typeName, d])), [descriptors]);
  const [detail, setDetail] = useState<DefinitionDetail | null>(null);
  // The definition as last loaded or saved: the common ancestor when a save conflicts and my work is merged.
  const base = useRef<Record<string, unknown> | null>(null);
  const [nodes, setNodes, onNodesChange] = useNodesState<ActivityFlowNode>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>([]);
  const [issues, setIssues] = useState<ValidationIssue[]>([]);
  const [message, setMessage] = useState<{ kind: "info" | "error" | "conflict"; text: string } | null>(null);
  const [dirty, setDirty] = useState(false);
  // Leaving with unsaved changes asks first (the ← link, the back button, closing the tab).
  useEffect(() => {
    setLeaveQuestion(dirty ? "This workflow has changes that are not saved. Leave and lose them?" : null);
    return () => setLeaveQuestion(null);
  }, [dirty]);
  const [comparison, setComparison] = useState<{ diff: DefinitionDiff; version: number } | null>(null);
  const [testing, setTesting] = useState(false);
  const [run, setRun] = useState<TestRunView | null>(null);
  const undo = useRef<Snapshot[]>([]);
  const redo = useRef<Snapshot[]>([]);
  const clipboard = useRef<ActivityFlowNode[]>([]);
  const flow = useReactFlow();
  // A workflow opens with its view already placed, computed from the activities' positions (every activity is drawn
  // at a known size), so only what is in view is drawn, once, instead of drawing, measuring and then fitting.
  const canvas = useRef<HTMLDivElement>(null);
  const fitToPositions = useCallback((all: ActivityFlowNode[]) => {
    if (all.length === 0 || !canvas.current) return;
    const { width, height } = canvas.current.getBoundingClientRect();
    void flow.setViewport(openingViewport(all, width, height)).then(() => performance.mark("itsm:fitted"));
  }, [flow]);
  // The minimap draws every activity again; it waits until the canvas is on screen and the browser is idle, so a
  // workflow can be clicked sooner after it opens.
  const [showMap, setShowMap] = useState(false);
  const hasNodes = nodes.length > 0;
  useEffect(() => {
    if (!hasNodes || showMap) return;
    const idle = window.requestIdleCallback?.(() => setShowMap(true), { timeout: 1000 }) ?? window.setTimeout(() => setShowMap(true), 200);
    return () => (window.cancelIdleCallback ?? window.clearTimeout)(idle);
  }, [hasNodes, showMap]);
  const pendingFit = useRef<ActivityFlowNode[] | null>(null);
  useLayoutEffect(() => {
    if (pendingFit.current && canvas.current) {
      fitToPositions(pendingFit.current);
      pendingFit.current = null;
    }
  });

  const load = useCallback(async () => {
    const d = await api.definition(definitionId);
    performance.mark("itsm:definition");
    const graph = toGraph(d.definition, byType);
    base.current = d.definition;
    setDetail(d);
    const placed = graph.hasPositions ? graph.nodes : autoLayout(graph.nodes, graph.edges);
    // Fitted before the first paint of the canvas (below); an empty workflow keeps the default view.
    pendingFit.current = placed;
    setNodes(placed);
    setEdges(graph.edges);
    setIssues(d.issues ?? []);
    setDirty(false);
    undo.current = [];
    redo.current = [];
  }, [definitionId, byType, setNodes, setEdges]);

  useEffect(() => { load().catch((e: Error) => setMessage({ kind: "error", text: e.message })); }, [load]);

  // Errors found by the server's validator, shown on their activities.
  // and, while two versions are compared, what was added or changed since the older one.
  // and, during a test run, the path it took and where it waits.
  const marks = useMemo(() => run?.instance
    ? runMarks(run.instance.journal, run.waits.map((w) => w.activityId), run.instance.incidents.filter((i) => !i.resolvedAt).map((i) => i.activityId))
    : null, [run]);
  const withIssues = useMemo(() => nodes.map((n): ActivityFlowNode => {
    const mine = issues.filter((i) => i.activityId === n.id).map((i) => i.message);
    const diff = comparison?.diff.activitiesAdded.some((a) => a.id === n.id) ? "added"
      : comparison?.diff.activitiesChanged.some((a) => a.id === n.id) ? "changed" : undefined;
    const runState = marks?.node(n.id);
    return sized(mine.length || n.data.invalid?.length || diff || n.data.diff || runState || n.data.run
      ? { ...n, data: { ...n.data, invalid: mine, diff, run: runState } } : n);
  }), [nodes, issues, comparison, marks]);
  const names = useMemo(() => activityNames(nodes), [nodes]);
  const shownEdges = useMemo(() => (marks ? edges.map((e) => (marks.edgeTaken(e) ? { ...e, className: "taken" } : e)) : edges), [edges, marks]);

  /** Records the current canvas for undo, then applies a change. */
  const commit = useCallback((next: Partial<Snapshot>) => {
    undo.current.push({ nodes, edges });
    redo.current = [];
    if (next.nodes) setNodes(next.nodes);
    if (next.edges) setEdges(next.edges);
    setDirty(true);
  }, [nodes, edges, setNodes, setEdges]);

  const step = (from: Snapshot[], to: Snapshot[]) => {
    const previous = from.pop();
    if (!previous) return;
    to.push({ nodes, edges });
    setNodes(previous.nodes);
    setEdges(previous.edges);
    setDirty(true);
  };

  const add = useCallback((descriptor: ActivityDescriptor, position?: { x: number; y: number }) => {
    const activity = newActivity(descriptor, new Set(nodes.map((n) => n.id)));
    const at = position ?? flow.screenToFlowPosition({ x: window.innerWidth / 2, y: window.innerHeight / 2 });
    commit({ nodes: [...nodes.map((n) => ({ ...n, selected: false })), { id: activity.id, type: "activity", position: at, selected: true, data: { activity, descriptor } }] });
  }, [nodes, flow, commit]);

  const save = useCallback(async () => {
    if (!detail) return null;
    try {
      const saved = await api.saveDraft(definitionId, fromGraph(detail.definition, nodes, edges), detail.version.revision);
      base.current = saved.definition;
      setDetail(saved);
      setIssues(saved.issues ?? []);
      setDirty(false);
      setMessage({ kind: "info", text: `Saved as draft version ${saved.version.version}.` });
      return saved;
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setMessage({ kind: "conflict", text: e.message });
      else setMessage({ kind: "error", text: (e as Error).message });
      return null;
    }
  }, [detail, definitionId, nodes, edges]);

  /** After a refused save: my changes since I opened it, put on top of what was saved meanwhile; saved only when I say so. */
  const merge = useCallback(async () => {
    if (!detail || !base.current) return;
    const theirs = await api.definition(definitionId);
    const result = mergeDefinitions(base.current, fromGraph(detail.definition, nodes, edges), theirs.definition);
    const graph = toGraph(result.definition, byType);
    base.current = theirs.definition;
    setDetail({ ...theirs, definition: result.definition });
    setNodes(graph.nodes);
    setEdges(graph.edges);
    setDirty(true);
    setMessage(result.conflicts.length
      ? { kind: "error", text: `Merged ${result.kept} of my changes; ${result.conflicts.join(", ")} changed on both sides: theirs kept. Review, then save.` }
      : { kind: "info", text: `Merged ${result.kept} of my changes onto the latest version. Review, then save.` });
  }, [detail, definitionId, nodes, edges, byType, setNodes, setEdges]);

  // What is on the canvas, saved or not: checking does not make a new draft (it did, silently, from a published version).
  const validate = useCallback(async () => {
    if (!detail) return;
    try {
      const found = await api.validate(definitionId, dirty ? fromGraph(detail.definition, nodes, edges) : undefined);
      setIssues(found);
      const unsaved = dirty ? " (checked as it stands, not saved yet)" : "";
      setMessage(found.some((i) => i.severity === "Error") ? { kind: "error", text: `${found.length} problem(s) found${unsaved}.` } : { kind: "info", text: `No problems found${unsaved}.` });
    } catch (e) {
      setMessage({ kind: "error", text: (e as Error).message });
    }
  }, [dirty, detail, definitionId, nodes, edges]);

  const publish = useCallback(async () => {
    const saved = dirty ? await save() : detail;
    if (!saved) return;
    try {
      const published = await api.publish(definitionId);
      setDetail(published);
      setIssues([]);
      const consumers = (published.consumersUpdated ?? []).map((c) => `${c.definitionId} v${c.version} ${c.outcome}${c.message ? ` (${c.message})` : ""}`);
      setMessage({ kind: "info", text: `Version ${published.version.version} is published.${consumers.length ? ` Workflows using it: ${consumers.join("; ")}.` : ""}` });
    } catch (e) {
      const body = e instanceof ApiError ? e.body : {};
      const errors = (body.errors as ValidationIssue[] | undefined) ?? (body.issues as ValidationIssue[] | undefined);
      if (errors) setIssues(errors);
      setMessage({ kind: "error", text: (e as Error).message });
    }
  }, [dirty, save, detail, definitionId]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const inField = (e.target as HTMLElement).closest("input, textarea, select");
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key === "s") { e.preventDefault(); void save(); }
      else if (inField) return;
      else if (mod && e.key === "z" && !e.shiftKey) { e.preventDefault(); step(undo.current, redo.current); }
      else if (mod && (e.key === "y" || (e.key === "z" && e.shiftKey))) { e.preventDefault(); step(redo.current, undo.current); }
      else if (mod && e.key === "c") clipboard.current = nodes.filter((n) => n.selected);
      else if (mod && e.key === "v" && clipboard.current.length) {
        const ids = new Set(nodes.map((n) => n.id));
        const copies = clipboard.current.map((n) => {
          const activity = { ...n.data.activity, id: newActivity({ typeName: n.data.activity.type } as ActivityDescriptor, ids).id };
          ids.add(activity.id);
          return { ...n, id: activity.id, selected: true, position: { x: n.position.x + 40, y: n.position.y + 40 }, data: { ...n.data, activity } };
        });
        commit({ nodes: [...nodes.map((n) => ({ ...n, selected: false })), ...copies] });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const selected = nodes.filter((n) => n.selected);
  const focus = (activityId?: string | null) => {
    const node = nodes.find((n) => n.id === activityId);
    if (!node) return;
    setNodes(nodes.map((n) => ({ ...n, selected: n.id === node.id })));
    void flow.setCenter(node.position.x + 110, node.position.y + 45, { zoom: 1, duration: 200 });
  };

  return (
    <div className="editor">
      <header className="toolbar">
        <a href="#/" aria-label="All workflows">←</a>
        <strong>{detail?.version.name ?? definitionId}</strong>
        <span className="badge" data-testid="version-state">
          v{detail?.version.version} {detail?.version.state}{dirty ? " · unsaved" : ""}
        </span>
        <button onClick={() => void save()} disabled={!dirty}>Save draft</button>
        <button onClick={() => void validate()}>Validate</button>
        <button onClick={() => void publish()}>Publish</button>
        <button onClick={async () => { if (!dirty || await save()) { setRun(null); setTesting(true); } }}>Test run</button>
        <button onClick={() => commit({ nodes: autoLayout(nodes, edges) })}>Auto-layout</button>
        <a className="button" href={api.exportUrl(definitionId)} download>Export</a>
        <button onClick={() => step(undo.current, redo.current)} aria-label="Undo">↶</button>
        <button onClick={() => step(redo.current, undo.current)} aria-label="Redo">↷</button>
        {message && (
          <span className={`message ${message.kind}`} role="status" data-testid="message">
            {message.text}
            {message.kind === "conflict" && (
              <>
                <button onClick={() => void merge()}>Merge my changes</button>
                <button onClick={() => void load()}>Reload (discards my changes)</button>
              </>
            )}
          </span>
        )}
      </header>
      {comparison && (
        <ComparisonBar
          version={comparison.version}
          diff={comparison.diff}
          names={names}
          onFocus={focus}
          onEnd={() => setComparison(null)}
        />
      )}
      <div className="workspace">
        <Toolbox descriptors={descriptors} onAdd={(d) => add(d)} />
        <div
          ref={canvas}
          className="canvas"
          data-testid="canvas"
          data-nodes={nodes.length}
          data-edges={edges.length}
          onDragOver={(e) => { e.preventDefault(); e.dataTransfer.dropEffect = "move"; }}
          onDrop={(e) => {
            e.preventDefault();
            const descriptor = byType.get(e.dataTransfer.getData("application/x-activity-type"));
            if (descriptor) add(descriptor, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
          }}
        >
          <ReactFlow
            nodes={withIssues}
            edges={shownEdges}
            nodeTypes={nodeTypes}
            onNodesChange={(changes) => {
              if (changes.some((c) => c.type === "remove")) undo.current.push({ nodes, edges });
              onNodesChange(changes);
              if (changes.some((c) => c.type === "remove" || (c.type === "position" && c.dragging === false))) setDirty(true);
            }}
            onEdgesChange={(changes) => {
              if (changes.some((c) => c.type === "remove")) { undo.current.push({ nodes, edges }); setDirty(true); }
              onEdgesChange(changes);
            }}
            onNodeDragStart={() => undo.current.push({ nodes, edges })}
            onConnect={(c: Connection) => commit({ edges: addEdge({ ...c, label: c.sourceHandle === "Done" ? undefined : c.sourceHandle }, edges) })}
            deleteKeyCode={["Delete", "Backspace"]}
            minZoom={0.1}
            onlyRenderVisibleElements
          >
            <Background />
            <Controls showFitView={false}><FitViewButton maxZoom={1} /></Controls>
            {showMap && nodes.length <= 300 && <MiniMap pannable zoomable nodeColor={(n) => colourOf((n as ActivityFlowNode).data)} nodeBorderRadius={6} maskColor="rgba(226, 232, 240, 0.7)" ariaLabel="Minimap: the whole workflow, the part in view unshaded" />}
          </ReactFlow>
        </div>
        {testing ? (
          <TestRunPanel
            definitionId={definitionId}
            run={run}
            onRun={setRun}
            onClose={() => { setTesting(false); setRun(null); }}
            names={names}
          />
        ) : selected.length === 1 ? (
          <Properties
            activity={selected[0].data.activity}
            descriptor={selected[0].data.descriptor}
            issues={issues.filter((i) => i.activityId === selected[0].id)}
            variables={(detail?.definition.variables as { id?: string; name?: string }[] | undefined) ?? []}
            onClose={() => setNodes((all) => all.map((n) => (n.selected ? { ...n, selected: false } : n)))}
            onChange={(activity: ActivityJson) => commit({ nodes: nodes.map((n) => (n.id === selected[0].id ? { ...n, data: { ...n.data, activity } } : n)) })}
          />
        ) : (
          <WorkflowPanel
            definitionId={definitionId}
            definition={detail?.definition ?? {}}
            currentVersion={detail?.version.version ?? 0}
            issues={issues}
            onFocus={focus}
            onChange={(definition) => { if (detail) { setDetail({ ...detail, definition }); setDirty(true); } }}
            onCompare={(diff, version) => setComparison(diff && version ? { diff, version } : null)}
            onRolledBack={() => void load()}
          />
        )}
      </div>
    </div>
  );
}

export function Editor(props: { definitionId: string; descriptors: ActivityDescriptor[] }) {
  return (
    <ReactFlowProvider>
      <EditorCanvas {...props} />
    </ReactFlowProvider>
  );
}
