import { useEffect, useState } from "react";
import { api, type ChangeOutcomes, type Dashboard as DashboardData, type SlaWeek } from "./api";

// Charts drawn as plain SVG: a few bars need no chart library. Each chart has a text equivalent (its
// aria-label and a table), so the figures reach keyboard and screen-reader users too.

const kinds = [
  { key: "requests", label: "Requests", color: "#2563eb" },
  { key: "tasks", label: "Tasks", color: "#7c3aed" },
  { key: "changes", label: "Changes", color: "#b7791f" },
  { key: "incidents", label: "Incidents", color: "#c62828" },
] as const;

function OpenWorkChart({ rows }: { rows: DashboardData["openByGroup"] }) {
  if (rows.length === 0) return <p className="hint">No open work.</p>;
  const max = Math.max(...rows.map((r) => r.total));
  const barHeight = 22;
  const labelWidth = 150;
  const width = 560;
  const scale = (width - labelWidth - 40) / max;
  return (
    <svg className="chart" width="100%" viewBox={`0 0 ${width} ${rows.length * (barHeight + 8) + 4}`} role="img" data-testid="chart-open-work"
      aria-label={`Open work per group: ${rows.map((r) => `${r.group} ${r.total}`).join(", ")}`}>
      {rows.map((r, i) => {
        let x = labelWidth;
        const y = i * (barHeight + 8);
        return (
          <g key={r.group}>
            <text x={labelWidth - 6} y={y + barHeight * 0.7} textAnchor="end" className="chart-label">{r.group}</text>
            {kinds.map((k) => {
              const w = r[k.key] * scale;
              const rect = w > 0 ? <rect key={k.key} x={x} y={y} width={w} height={barHeight} fill={k.color}><title>{`${r.group}: ${r[k.key]} ${k.label.toLowerCase()}`}</title></rect> : null;
              x += w;
              return rect;
            })}
            <text x={x + 6} y={y + barHeight * 0.7} className="chart-label">{r.total}</text>
          </g>
        );
      })}
    </svg>
  );
}

/** Met (green) and breached (red) clocks per week, stacked; the line is the attainment in percent. */
function SlaChart({ weeks, label, testId }: { weeks: SlaWeek[]; label: string; testId: string }) {
  const width = 560;
  const height = 150;
  const pad = 24;
  const max = Math.max(1, ...weeks.map((w) => w.met + w.breached));
  const slot = (width - pad * 2) / weeks.length;
  const bar = Math.min(36, slot * 0.6);
  const y = (n: number) => height - pad - (n / max) * (height - pad * 2);
  const points = weeks.map((w, i) => (w.met + w.breached > 0 ? `${pad + i * slot + slot / 2},${pad + (1 - w.met / (w.met + w.breached)) * (height - pad * 2)}` : null)).filter((p): p is string => p !== null);
  return (
    <svg className="chart" width="100%" viewBox={`0 0 ${width} ${height}`} role="img" data-testid={testId}
      aria-label={`${label}: ${weeks.map((w) => `week of ${w.week}, ${w.met} met, ${w.breached} breached`).join("; ")}`}>
      <line x1={pad} x2={width - pad} y1={height - pad} y2={height - pad} stroke="#9ca3af" />
      {weeks.map((w, i) => {
        const x = pad + i * slot + (slot - bar) / 2;
        return (
          <g key={w.week}>
            {w.met > 0 && <rect x={x} y={y(w.met)} width={bar} height={height - pad - y(w.met)} fill="#2f7d32" data-kind="met"><title>{`Week of ${w.week}: ${w.met} met`}</title></rect>}
            {w.breached > 0 && <rect x={x} y={y(w.met + w.breached)} width={bar} height={y(w.met) - y(w.met + w.breached)} fill="#c62828" data-kind="breached"><title>{`Week of ${w.week}: ${w.breached} breached`}</title></rect>}
            <text x={pad + i * slot + slot / 2} y={height - 6} textAnchor="middle" className="chart-label">{w.week.slice(5)}</text>
          </g>
        );
      })}
      {points.length > 1 && <polyline points={points.join(" ")} fill="none" stroke="#111827" strokeDasharray="4 3" />}
    </svg>
  );
}

const outcomes = [
  { key: "successful", label: "Implemented", color: "#2f7d32" },
  { key: "failed", label: "Failed (backed out)", color: "#c62828" },
  { key: "rejected", label: "Rejected", color: "#b7791f" },
  { key: "cancelled", label: "Cancelled", color: "#9ca3af" },
] as const;

/** Changes that ended each week, stacked by how they ended; with its table, the same figures in text. */
function ChangeOutcomesSection({ changes }: { changes: ChangeOutcomes }) {
  const width = 560;
  const height = 150;
  const pad = 24;
  const ended = (w: ChangeOutcomes["weeks"][number]) => w.successful + w.failed + w.rejected + w.cancelled;
  const max = Math.max(1, ...changes.weeks.map(ended));
  const slot = (width - pad * 2) / changes.weeks.length;
  const bar = Math.min(36, slot * 0.6);
  const scale = (height - pad * 2) / max;
  const pct = (n: number | null) => (n === null ? "—" : `${n} %`);
  return (
    <section>
      <h2>Changes</h2>
      <p data-testid="change-success">
        {changes.successful + changes.failed === 0 ? "No change was implemented in these weeks." : `${pct(changes.successRate)} implemented successfully`}
        {` · ${changes.failed} failed · ${changes.rejected} rejected · ${changes.cancelled} cancelled · emergency ${pct(changes.emergencyShare)} · standard ${pct(changes.standardShare)}`}
      </p>
      <p className="legend">{outcomes.map((o) => <span key={o.key}><span className="swatch" style={{ background: o.color }} /> {o.label} </span>)}</p>
      <svg className="chart" width="100%" viewBox={`0 0 ${width} ${height}`} role="img" data-testid="chart-changes"
        aria-label={`Changes ended per week: ${changes.weeks.map((w) => `week of ${w.week}, ${w.successful} implemented, ${w.failed} failed, ${w.rejected} rejected, ${w.cancelled} cancelled`).join("; ")}`}>
        <line x1={pad} x2={width - pad} y1={height - pad} y2={height - pad} stroke="#9ca3af" />
        {changes.weeks.map((w, i) => {
          const x = pad + i * slot + (slot - bar) / 2;
          let top = height - pad;
          return (
            <g key={w.week}>
              {outcomes.map((o) => {
                const h = w[o.key] * scale;
                top -= h;
                return h > 0 ? <rect key={o.key} x={x} y={top} width={bar} height={h} fill={o.color} data-kind={o.key}><title>{`Week of ${w.week}: ${w[o.key]} ${o.label.toLowerCase()}`}</title></rect> : null;
              })}
              <text x={pad + i * slot + slot / 2} y={height - 6} textAnchor="middle" className="chart-label">{w.week.slice(5)}</text>
            </g>
          );
        })}
      </svg>
      <table className="dashboard-table" data-testid="changes-by-week">
        <thead><tr><th>Week of</th>{outcomes.map((o) => <th key={o.key}>{o.label}</th>)}<th>Standard</th><th>Normal</th><th>Emergency</th></tr></thead>
        <tbody>
          {changes.weeks.filter((w) => ended(w) > 0).map((w) => (
            <tr key={w.week}><th scope="row">{w.week}</th>{outcomes.map((o) => <td key={o.key}>{w[o.key]}</td>)}<td>{w.standard}</td><td>{w.normal}</td><td>{w.emergency}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function DashboardPage() {
  const [data, setData] = useState<DashboardData | null>(null);
  const [weeks, setWeeks] = useState(8);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { api.dashboard(weeks).then((d) => { setData(d); setError(null); }, (e: Error) => setError(e.message)); }, [weeks]);
  if (error) return <main className="portal"><p className="message error" role="alert">{error}</p></main>;
  if (!data) return <main className="portal"><p className="hint">Loading…</p></main>;
  const total = data.allServices.reduce((s, w) => ({ met: s.met + w.met, breached: s.breached + w.breached }), { met: 0, breached: 0 });
  return (
    <main className="portal dashboard">
      <h1>Dashboard</h1>
      <label>Weeks <select value={weeks} onChange={(e) => setWeeks(Number(e.target.value))}>{[4, 8, 13, 26].map((n) => <option key={n} value={n}>{n}</option>)}</select></label>
      <section>
        <h2>Open work per group</h2>
        <p className="legend">{kinds.map((k) => <span key={k.key}><span className="swatch" style={{ background: k.color }} /> {k.label} </span>)}</p>
        <OpenWorkChart rows={data.openByGroup} />
      </section>
      <section>
        <h2>SLA attainment, all services</h2>
        <p data-testid="attainment-all">{total.met + total.breached === 0 ? "No clock has finished in these weeks." : `${Math.round((1000 * total.met) / (total.met + total.breached)) / 10} % met · ${total.breached} breached`}</p>
        <SlaChart weeks={data.allServices} label="SLA clocks met and breached per week, all services" testId="chart-sla-all" />
      </section>
      <ChangeOutcomesSection changes={data.changes} />
      <section>
        <h2>Per service</h2>
        <table className="dashboard-table" data-testid="sla-by-service">
          <thead><tr><th>Service</th><th>Attainment</th><th>Met</th><th>Breached</th><th>Per week</th></tr></thead>
          <tbody>
            {data.slaByService.map((s) => (
              <tr key={s.serviceId}>
                <th scope="row">{s.service}</th>
                <td>{s.attainment === null ? "—" : `${s.attainment} %`}</td>
                <td>{s.met}</td>
                <td>{s.breached}</td>
                <td className="spark"><SlaChart weeks={s.weeks} label={`${s.service}: SLA clocks per week`} testId={`chart-sla-${s.serviceId}`} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}
