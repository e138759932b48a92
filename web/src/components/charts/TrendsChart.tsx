import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { TrendPoint } from "../../core/diagnostics";
import { formatNumber } from "../../core/format";

/** Treated vs control outcome over time (DiD's parallel-trends picture). */
export function TrendsChart({
  points,
  treatmentStart,
}: {
  points: TrendPoint[];
  /** The period label where treatment starts: drawn as a vertical line when it is on the axis. */
  treatmentStart?: string | number | null;
}) {
  const marker =
    treatmentStart !== null && treatmentStart !== undefined && points.some((p) => p.period === treatmentStart)
      ? treatmentStart
      : null;
  return (
    <figure className="chart" aria-label="Treated and control group outcome by period">
      <ResponsiveContainer width="100%" height={260} initialDimension={{ width: 600, height: 260 }}>
        <LineChart data={points} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="period" />
          <YAxis tickFormatter={(v: number) => formatNumber(v)} width={60} />
          <Tooltip formatter={(v) => formatNumber(typeof v === "number" ? v : null)} />
          <Legend />
          {marker !== null ? (
            <ReferenceLine
              x={marker}
              stroke="#9ca3af"
              strokeDasharray="4 4"
              label={{ value: "treatment starts", position: "insideTopLeft", fontSize: 11 }}
            />
          ) : null}
          <Line
            type="monotone"
            dataKey="treated"
            name="Treated"
            stroke="#d64525"
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
            connectNulls
          />
          <Line
            type="monotone"
            dataKey="control"
            name="Control"
            stroke="#2557d6"
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
            connectNulls
          />
        </LineChart>
      </ResponsiveContainer>
      <figcaption className="muted small">
        Before treatment the two lines should move roughly in parallel; that is what the
        difference-in-differences design assumes.
      </figcaption>
    </figure>
  );
}
