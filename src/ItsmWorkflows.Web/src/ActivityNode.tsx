import { Handle, Position, type NodeProps } from "@xyflow/react";
import { heightFor, nodeHeight } from "./geometry";
import { activityName, outcomesOf, type ActivityFlowNode } from "./model";

/** A category's mark: its initial on the category's colour (fonts with pictographs are not everywhere). */
const categoryColours: Record<string, string> = {
  ITSM: "#7c3aed", Primitives: "#475569", Branching: "#0891b2", Flow: "#0891b2", Timers: "#d97706", Composition: "#4f46e5", HTTP: "#059669", Email: "#db2777", Scripting: "#65a30d",
};

/** The colour of an activity's category (also its mark on the minimap). */
export const colourOf = (data: ActivityFlowNode["data"]) => categoryColours[data.descriptor?.category ?? ""] ?? "#94a3b8";

/** An activity on the canvas: its name, type and category icon, an input handle, one output handle per outcome port. */
export function ActivityNode({ data, selected }: NodeProps<ActivityFlowNode>) {
  const { activity, descriptor, invalid, diff, run } = data;
  const ports = outcomesOf(activity, descriptor);
  const title = activityName(activity);
  const height = heightFor(ports.length);
  return (
    <div
      style={height > nodeHeight ? { height } : undefined}
      data-height={height}
      className={`activity-node${selected ? " selected" : ""}${invalid?.length ? " invalid" : ""}${descriptor ? "" : " unknown"}${diff ? ` diff-${diff}` : ""}${run ? ` run-${run}` : ""}`}
      data-testid={`node-${activity.id}`}
      title={invalid?.join("\n") ?? descriptor?.description}
    >
      <Handle type="target" position={Position.Left} id="In" />
      <div className="activity-title">
        <span className="activity-icon" aria-hidden="true" style={{ background: colourOf(data) }}>
          {(descriptor?.category ?? "?").charAt(0)}
        </span>
        {title}
      </div>
      <div className="activity-type">{descriptor?.displayName ?? `Unknown type ${activity.type}`}</div>
      <div className="activity-ports">
        {ports.map((port, i) => (
          <div key={port} className="activity-port" style={{ top: `${((i + 0.5) / ports.length) * 100}%` }}>
            <span title={port}>{port}</span>
            <Handle type="source" position={Position.Right} id={port} data-testid={`port-${activity.id}-${port}`} />
          </div>
        ))}
      </div>
    </div>
  );
}
