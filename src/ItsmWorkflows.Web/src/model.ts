// Elsa 3 flowchart JSON <-> React Flow nodes and edges. An activity keeps every property it came with
// (inputs, metadata, properties we do not know), so a save after an open loses nothing.
import type { Edge, Node } from "@xyflow/react";
import type { ActivityDescriptor } from "./api";

export type ActivityJson = Record<string, unknown> & { id: string; type: string; name?: string };

export interface ActivityData extends Record<string, unknown> {
  activity: ActivityJson;
  descriptor?: ActivityDescriptor;
  invalid?: string[];
  diff?: "added" | "changed";
  run?: "done" | "waiting" | "faulted";
}

export type ActivityFlowNode = Node<ActivityData, "activity">;

interface Connection {
  source: { activity: string; port?: string } | string;
  target: { activity: string; port?: string } | string;
  sourcePort?: string;
  targetPort?: string;
}

/** The flowchart at the root of a definition (Elsa.Flowchart), or null when the root is something else. */
export function rootFlowchart(definition: Record<string, unknown>): Record<string, unknown> | null {
  const root = definition.root as Record<string, unknown> | undefined;
  return root && root.type === "Elsa.Flowchart" ? root : null;
}

/** What people call an activity: the name the process owner gave it, else its id. */
export function activityName(activity: ActivityJson): string {
  return typeof activity.name === "string" && activity.name ? activity.name : activity.id;
}

/** Each activity's id with its name, for lists and labels beside the canvas. */
export function activityNames(nodes: ActivityFlowNode[]): Map<string, string> {
  return new Map(nodes.map((n) => [n.id, activityName(n.data.activity)]));
}

/** The output ports of an activity: its descriptor's outcomes, or the labels of its cases for a switch. */
export function outcomesOf(activity: ActivityJson, descriptor?: ActivityDescriptor): string[] {
  if (!descriptor) return ["Done"];
  if (descriptor.dynamicOutcomesFrom) {
    const cases = activity[descriptor.dynamicOutcomesFrom];
    const labels = Array.isArray(cases) ? cases.map((c) => String((c as { label?: string }).label ?? "")).filter((l) => l) : [];
    return [...labels, ...descriptor.outcomes];
  }
  return descriptor.outcomes;
}

export function toGraph(definition: Record<string, unknown>, descriptors: Map<string, ActivityDescriptor>) {
  const flowchart = rootFlowchart(definition);
  const activities = ((flowchart?.activities as ActivityJson[] | undefined) ?? []).filter((a) => a && typeof a.id === "string");
  const nodes: ActivityFlowNode[] = activities.map((activity, i) => {
    const position = ((activity.metadata as { designer?: { position?: { x: number; y: number } } } | undefined)?.designer?.position) ?? { x: (i % 6) * 260, y: Math.floor(i / 6) * 140 };
    return { id: activity.id, type: "activity", position: { x: position.x, y: position.y }, data: { activity, descriptor: descriptors.get(activity.type) } };
  });
  const edges: Edge[] = ((flowchart?.connections as Connection[] | undefined) ?? []).map((c, i) => {
    const source = typeof c.source === "string" ? c.source : c.source.activity;
    const target = typeof c.target === "string" ? c.target : c.target.activity;
    const port = (typeof c.source === "string" ? c.sourcePort : c.source.port) ?? "Done";
    return { id: `e${i}-${source}-${port}-${target}`, source, target, sourceHandle: port, label: port === "Done" ? undefined : port };
  });
  return { nodes, edges, hasPositions: activities.some((a) => (a.metadata as { designer?: unknown } | undefined)?.designer) };
}

/** Writes the canvas back into the definition: activities with their positions, connections in the current form. */
export function fromGraph(definition: Record<string, unknown>, nodes: ActivityFlowNode[], edges: Edge[]): Record<string, unknown> {
  const flowchart = rootFlowchart(definition) ?? { type: "Elsa.Flowchart", id: "Flowchart1" };
  const activities = nodes.map((n) => {
    const metadata = { ...((n.data.activity.metadata as Record<string, unknown>) ?? {}) };
    metadata.designer = { ...((metadata.designer as Record<string, unknown>) ?? {}), position: { x: Math.round(n.position.x), y: Math.round(n.position.y) } };
    return { ...n.data.activity, metadata };
  });
  const connections = edges.map((e) => ({ source: { activity: e.source, port: e.sourceHandle ?? "Done" }, target: { activity: e.target, port: "In" } }));
  return { ...definition, root: { ...flowchart, activities, connections } };
}

/** A new activity of a type: its required inputs left empty for the properties panel, the validator names them. */
export function newActivity(descriptor: ActivityDescriptor, existing: Set<string>): ActivityJson {
  const base = descriptor.typeName.split(".").pop() ?? "Activity";
  let n = 1;
  while (existing.has(`${base}${n}`)) n++;
  return { id: `${base}${n}`, type: descriptor.typeName, version: 1 };
}

/** An input's expression as stored: { typeName, expression: { type, value } }. */
export interface InputValue {
  typeName?: string;
  expression?: { type: string; value: unknown };
}

export function readInput(activity: ActivityJson, name: string): InputValue | undefined {
  const raw = activity[name];
  return raw && typeof raw === "object" && "expression" in (raw as object) ? (raw as InputValue) : undefined;
}

interface JournalLike { activityId: string; event: string; outcomes?: string[] | null }

/**
 * What a run did to each activity (done, waiting, faulted) and which connections it followed: a connection was
 * followed when its source completed through that port and its target then started.
 */
export function runMarks(journal: JournalLike[], waitingIds: string[], faultedIds: string[]) {
  const done = new Set(journal.filter((j) => j.event === "Completed").map((j) => j.activityId));
  const started = new Set(journal.filter((j) => j.event === "Started").map((j) => j.activityId));
  const waiting = new Set(waitingIds);
  const faulted = new Set(faultedIds);
  const followed = new Set(journal.filter((j) => j.event === "Completed").flatMap((j) => (j.outcomes ?? []).map((o) => `${j.activityId}|${o}`)));
  return {
    node: (id: string): "done" | "waiting" | "faulted" | undefined => (faulted.has(id) ? "faulted" : waiting.has(id) ? "waiting" : done.has(id) ? "done" : undefined),
    edgeTaken: (e: Edge) => followed.has(`${e.source}|${e.sourceHandle ?? "Done"}`) && started.has(e.target),
    waiting,
  };
}
