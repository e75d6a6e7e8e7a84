import { Handle, Position, type NodeProps } from "@xyflow/react";
import { outcomesOf, type ActivityFlowNode } from "./model";

const categoryIcons: Record<string, string> = {
  ITSM: "🛠", Primitives: "●", Flow: "⑂", Timers: "⏱", Composition: "▣", Http: "⇄", Email: "✉", Scripting: "ƒ", Events: "⚑",
};

/** An activity on the canvas: its name, type and category icon, an input handle, one output handle per outcome port. */
export function ActivityNode({ data, selected }: NodeProps<ActivityFlowNode>) {
  const { activity, descriptor, invalid } = data;
  const ports = outcomesOf(activity, descriptor);
  const title = typeof activity.name === "string" && activity.name ? activity.name : activity.id;
  return (
    <div
      className={`activity-node${selected ? " selected" : ""}${invalid?.length ? " invalid" : ""}${descriptor ? "" : " unknown"}`}
      data-testid={`node-${activity.id}`}
      title={invalid?.join("\n") ?? descriptor?.description}
    >
      <Handle type="target" position={Position.Top} id="In" />
      <div className="activity-title">
        <span className="activity-icon" aria-hidden="true">{categoryIcons[descriptor?.category ?? ""] ?? "◆"}</span>
        {title}
      </div>
      <div className="activity-type">{descriptor?.displayName ?? `Unknown type ${activity.type}`}</div>
      <div className="activity-ports">
        {ports.map((port, i) => (
          <div key={port} className="activity-port" style={{ left: `${((i + 0.5) / ports.length) * 100}%` }}>
            <span>{port}</span>
            <Handle type="source" position={Position.Bottom} id={port} data-testid={`port-${activity.id}-${port}`} />
          </div>
        ))}
      </div>
    </div>
  );
}
