import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { EventStudyCoefficient } from "../../core/diagnostics";
import { formatNumber } from "../../core/format";

/** Event-study coefficients by period relative to treatment, with their interval as a band. */
export function EventStudyChart({
  coefficients,
  confidence,
}: {
  coefficients: EventStudyCoefficient[];
  confidence: string;
}) {
  const data = coefficients.map((c) => ({
    ...c,
    band: c.ci_low !== null && c.ci_high !== null ? [c.ci_low, c.ci_high] : null,
  }));
  return (
    <figure
      className="chart"
      aria-label={`Event-study coefficients with ${confidence} intervals by period relative to treatment`}
    >
      <ResponsiveContainer width="100%" height={260} initialDimension={{ width: 600, height: 260 }}>
        <ComposedChart data={data} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="relative_period"
            type="number"
            domain={["dataMin", "dataMax"]}
            allowDecimals={false}
          />
          <YAxis tickFormatter={(v: number) => formatNumber(v)} width={60} />
          <Tooltip
            formatter={(v) =>
              Array.isArray(v)
                ? v.map((x) => formatNumber(x as number)).join(" to ")
                : formatNumber(v as number)
            }
          />
          <ReferenceLine y={0} stroke="#6b7280" strokeDasharray="4 4" />
          <ReferenceLine
            x={-0.5}
            stroke="#9ca3af"
            label={{ value: "treatment", position: "insideTopRight", fontSize: 11 }}
          />
          <Area
            dataKey="band"
            name={`${confidence} CI`}
            fill="#2557d6"
            fillOpacity={0.15}
            stroke="none"
            isAnimationActive={false}
          />
          <Line
            dataKey="estimate"
            name="Estimate"
            stroke="#2557d6"
            strokeWidth={2}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
      <figcaption className="muted small">
        Periods before 0 test for pre-trends (they should be near zero); period 0 onwards shows how the effect
        unfolds.
      </figcaption>
    </figure>
  );
}
