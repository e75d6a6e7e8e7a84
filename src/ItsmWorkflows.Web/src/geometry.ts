// Where an activity and its ports are drawn, known before the browser draws it. ActivityNode's CSS draws every
// activity at one size, its input on the left edge and its output ports down the right edge, below the title;
// saying so to React Flow up front lets it draw only the activities in view and their connections in one pass.
// Without it, React Flow draws every activity of the workflow once, off screen too, to measure where its ports are,
// before anything can be clicked.
//
// Left to right, as Elsa's designer lays workflows out: the positions stored in Elsa JSON (the shipped processes,
// 28 of the 30 corpus definitions with a layout) run left to right, and ports on the top and bottom edges made
// every one of their connections loop back on itself.
import { getViewportForBounds, Position, type NodeHandle, type Viewport } from "@xyflow/react";
import type { ActivityDescriptor } from "./api";
import { outcomesOf, type ActivityFlowNode, type ActivityJson } from "./model";

/** The size an activity is drawn at (.activity-node in styles.css: border-box 220 × 90), taller when its ports need it. */
export const nodeWidth = 220;
export const nodeHeight = 90;
/** .activity-node's border; its ports sit on the inside of it. */
const border = 1;
/** Where the output ports' strip starts, below the title (.activity-ports: 35 px into the padding box). */
const portsTop = 36;
/** A React Flow handle: 6 px and a 1 px border (@xyflow/react's style.css), centred on its anchor point. */
const handleSize = 8;
/** Room per output port down the right edge: its 12 px label and some air, so neighbouring ports never touch. */
const portSpacing = 16;

/** The height an activity with this many ports is drawn at: 90, or more when they do not fit (a switch with many cases). */
export const heightFor = (ports: number) => Math.max(nodeHeight, portsTop + ports * portSpacing + border);

/** The height an activity is drawn at (see heightFor). */
export const heightOf = (activity: ActivityJson, descriptor?: ActivityDescriptor) => heightFor(outcomesOf(activity, descriptor).length);

/**
 * The activity's handles as React Flow would measure them, relative to the node's top-left corner: the input at
 * the middle of the left edge, one output per port on the right edge at (i + ½) / ports of the strip below the title.
 */
export function handlesOf(activity: ActivityJson, descriptor?: ActivityDescriptor): NodeHandle[] {
  const ports = outcomesOf(activity, descriptor);
  const height = heightFor(ports.length);
  const strip = height - border - portsTop;
  const at = (x: number, y: number) => ({ x: x - handleSize / 2, y: y - handleSize / 2, width: handleSize, height: handleSize });
  return [
    { id: "In", type: "target", position: Position.Left, ...at(border, height / 2) },
    ...ports.map((port, i): NodeHandle => ({
      id: port, type: "source", position: Position.Right, ...at(nodeWidth - border, portsTop + ((i + 0.5) / ports.length) * strip),
    })),
  ];
}

const sizedNodes = new WeakMap<ActivityFlowNode, ActivityFlowNode>();

/**
 * The node with its size and handles declared, the same object for the same node (React Flow redraws a node whose
 * object changed, so a fresh copy on every render would redraw every activity on every drag step).
 */
export function sized(node: ActivityFlowNode): ActivityFlowNode {
  let done = sizedNodes.get(node);
  if (!done) {
    done = { ...node, initialWidth: nodeWidth, initialHeight: heightOf(node.data.activity, node.data.descriptor), handles: handlesOf(node.data.activity, node.data.descriptor) };
    sizedNodes.set(node, done);
  }
  return done;
}

/** The smallest zoom a workflow opens at: activities' 12 px text is 9 px on screen. */
export const readableZoom = 0.75;

/** The box around some activities, in flow coordinates. */
function boundsOf(nodes: ActivityFlowNode[]) {
  const xs = nodes.map((n) => n.position.x);
  const ys = nodes.map((n) => n.position.y);
  const bottoms = nodes.map((n) => n.position.y + heightOf(n.data.activity, n.data.descriptor));
  return { x: Math.min(...xs), y: Math.min(...ys), width: Math.max(...xs) + nodeWidth - Math.min(...xs), height: Math.max(...bottoms) - Math.min(...ys) };
}

/**
 * Where a workflow opens in a canvas of this size, from its activities' positions alone (nothing needs to be drawn
 * first): all of it when it fits at a readable zoom; otherwise its beginning at a readable zoom (the Start activity,
 * else the top-left one) at the left edge, with the activities of that first screen-width centred vertically when
 * they fit, or from the top when they do not. Fit View and the minimap show the whole.
 */
export function openingViewport(nodes: ActivityFlowNode[], width: number, height: number): Viewport {
  const whole = getViewportForBounds(boundsOf(nodes), width, height, 0.1, 1, 0.1);
  if (whole.zoom >= readableZoom) return whole;
  const anchor = nodes.find((n) => n.data.activity.type === "Elsa.Start")
    ?? nodes.reduce((best, n) => (n.position.x + n.position.y < best.position.x + best.position.y ? n : best));
  const margin = 40;
  const left = anchor.position.x - margin / readableZoom;
  const screenWidth = width / readableZoom;
  const screenHeight = height / readableZoom;
  const first = boundsOf(nodes.filter((n) => n.position.x >= left && n.position.x <= left + screenWidth));
  const top = first.height + 2 * margin / readableZoom <= screenHeight
    ? first.y + first.height / 2 - screenHeight / 2
    : Math.min(anchor.position.y, first.y) - margin / readableZoom;
  return { x: -left * readableZoom, y: -top * readableZoom, zoom: readableZoom };
}
