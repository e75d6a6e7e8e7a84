import { useMemo, useState } from "react";
import type { ActivityDescriptor } from "./api";

/** Every flowchart activity type by category; drag one onto the canvas, or press Enter on it to add it. */
export function Toolbox({ descriptors, onAdd }: { descriptors: ActivityDescriptor[]; onAdd: (d: ActivityDescriptor) => void }) {
  const [query, setQuery] = useState("");
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const matching = descriptors.filter((d) => d.isFlowNode && d.typeName !== "Elsa.Flowchart"
      && (!q || d.displayName.toLowerCase().includes(q) || d.typeName.toLowerCase().includes(q) || d.description.toLowerCase().includes(q)));
    const byCategory = new Map<string, ActivityDescriptor[]>();
    for (const d of matching) byCategory.set(d.category, [...(byCategory.get(d.category) ?? []), d]);
    // Category names are plain English: compare them as text. localeCompare's first call loads the browser's collation
    // data, measured at about 70 ms of a designer open on a CPU-starved renderer.
    return [...byCategory.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }, [descriptors, query]);
  return (
    <aside className="toolbox" aria-label="Activities">
      <input type="search" placeholder="Search activities" aria-label="Search activities" value={query} onChange={(e) => setQuery(e.target.value)} />
      {groups.map(([category, items]) => (
        <section key={category}>
          <h3>{category}</h3>
          {items.map((d) => (
            <div
              key={d.typeName}
              className="toolbox-item"
              role="button"
              tabIndex={0}
              draggable
              title={d.description}
              data-testid={`tool-${d.typeName}`}
              onDragStart={(e) => { e.dataTransfer.setData("application/x-activity-type", d.typeName); e.dataTransfer.effectAllowed = "move"; }}
              onKeyDown={(e) => { if (e.key === "Enter") onAdd(d); }}
              onDoubleClick={() => onAdd(d)}
            >
              {d.displayName}
            </div>
          ))}
        </section>
      ))}
    </aside>
  );
}
