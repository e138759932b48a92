import type { Estimate } from "@cfap/contracts";
import {
  CartesianGrid,
  ErrorBar,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatNumber } from "../../core/format";

interface Row {
  term: string;
  estimate: number;
  err: [number, number];
  ci_low: number | null;
  ci_high: number | null;
}

/** Point estimates with their confidence intervals, one row per term, and a zero line. */
export function ForestPlot({
  estimates,
  confidence,
}: {
  estimates: readonly Estimate[];
  confidence: string;
}) {
  const rows: Row[] = estimates
    .filter((e) => Number.isFinite(e.estimate))
    .map((e) => ({
      term: e.term,
      estimate: e.estimate,
      ci_low: e.ci_low,
      ci_high: e.ci_high,
      err: [
        typeof e.ci_low === "number" ? Math.max(0, e.estimate - e.ci_low) : 0,
        typeof e.ci_high === "number" ? Math.max(0, e.ci_high - e.estimate) : 0,
      ],
    }));
  if (!rows.length) return null;
  const height = Math.max(120, 48 + rows.length * 36);
  return (
    <figure
      className="chart"
      aria-label={`Forest plot of ${rows.length} estimates with ${confidence} intervals`}
    >
      <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 600, height }}>
        <ScatterChart layout="vertical" margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis
            type="number"
            dataKey="estimate"
            tickFormatter={(v: number) => formatNumber(v)}
            domain={["auto", "auto"]}
          />
          <YAxis type="category" dataKey="term" width={110} />
          <ReferenceLine x={0} stroke="#6b7280" strokeDasharray="4 4" />
          <Tooltip
            formatter={(_v, _n, item) => {
              const r = (item as { payload?: Row }).payload;
              return r
                ? [
                    `${formatNumber(r.estimate)} (${formatNumber(r.ci_low)} to ${formatNumber(r.ci_high)})`,
                    r.term,
                  ]
                : "";
            }}
          />
          <Scatter data={rows} fill="#2557d6" isAnimationActive={false}>
            <ErrorBar dataKey="err" direction="x" width={6} stroke="#2557d6" strokeWidth={2} />
          </Scatter>
        </ScatterChart>
      </ResponsiveContainer>
      <figcaption className="muted small">
        Dots are estimates; bars are {confidence} confidence intervals. The dashed line is zero (no effect).
      </figcaption>
    </figure>
  );
}
