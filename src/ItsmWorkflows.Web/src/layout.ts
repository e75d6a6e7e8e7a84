import dagre from "@dagrejs/dagre";
import type { Edge } from "@xyflow/react";
import { heightOf, nodeWidth } from "./geometry";
import type { ActivityFlowNode } from "./model";

const width = nodeWidth;

/** Left-to-right layered layout (dagre), as the ports run (geometry.ts), for definitions without designer positions and on demand. */
export function autoLayout(nodes: ActivityFlowNode[], edges: Edge[]): ActivityFlowNode[] {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 30, ranksep: 80 });
  g.setDefaultEdgeLabel(() => ({}));
  const heights = new Map(nodes.map((n) => [n.id, heightOf(n.data.activity, n.data.descriptor)]));
  for (const n of nodes) g.setNode(n.id, { width, height: heights.get(n.id)! });
  for (const e of edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  return nodes.map((n) => {
    const p = g.node(n.id);
    return p ? { ...n, position: { x: p.x - width / 2, y: p.y - heights.get(n.id)! / 2 } } : n;
  });
}
