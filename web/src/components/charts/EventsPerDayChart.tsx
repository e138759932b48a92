import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatNumber } from "../../core/format";

const COLORS = [
  "#2557d6",
  "#d64525",
  "#1f9d55",
  "#b7791f",
  "#805ad5",
  "#0e7490",
  "#be185d",
  "#4b5563",
  "#9ca3af",
];

/** Pivots `{day, event_name, events}` rows into one row per day, keeping the top names and "other". */
export function pivotEvents(rows: Array<{ day: string; event_name: string; events: number }>, maxNames = 8) {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.event_name, (totals.get(r.event_name) ?? 0) + r.events);
  const sorted = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([n]) => n);
  const keep = sorted.slice(0, maxNames);
  const hasOther = sorted.length > maxNames;
  const byDay = new Map<string, Record<string, number | string>>();
  for (const r of rows) {
    const row = byDay.get(r.day) ?? { day: r.day };
    const key = keep.includes(r.event_name) ? r.event_name : "other";
    row[key] = ((row[key] as number | undefined) ?? 0) + r.events;
    byDay.set(r.day, row);
  }
  const data = [...byDay.values()].sort((a, b) => String(a.day).localeCompare(String(b.day)));
  return { data, names: hasOther ? [...keep, "other"] : keep };
}

export function EventsPerDayChart({
  rows,
}: {
  rows: Array<{ day: string; event_name: string; events: number }>;
}) {
  const { data, names } = pivotEvents(rows);
  return (
    <figure className="chart" aria-label={`Events per day for ${names.length} event names`}>
      <ResponsiveContainer width="100%" height={280} initialDimension={{ width: 600, height: 280 }}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" minTickGap={16} />
          <YAxis tickFormatter={(v: number) => formatNumber(v)} width={60} />
          <Tooltip formatter={(v) => formatNumber(v as number)} />
          <Legend />
          {names.map((n, i) => (
            <Bar
              key={n}
              dataKey={n}
              stackId="events"
              fill={COLORS[i % COLORS.length]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
