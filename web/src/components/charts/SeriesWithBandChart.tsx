import type { ReactNode } from "react";
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatNumber } from "../../core/format";
import { seriesKey, seriesRows, type XValue } from "./seriesRows";

/** One line, its values aligned with the chart's `x` (missing or null values are gaps). */
export interface LineSeries {
  /** Legend and tooltip name. Unnamed lines are context (e.g. placebo gaps) and stay out of the legend. */
  name?: string;
  color: string;
  values: readonly (number | null)[];
  /** Stroke width; 2 unless said. */
  width?: number;
  /** A stroke dash pattern, e.g. "6 3" for a counterfactual. */
  dash?: string;
  /** Draw a dot at every point (for sparse series such as event-study coefficients). */
  dots?: boolean;
}

/** An interval drawn as a shaded range; a point is shaded only where both ends are known. */
export interface Band {
  name: string;
  color: string;
  opacity: number;
  low: readonly (number | null)[];
  high: readonly (number | null)[];
}

/** A reference line across the plot: vertical at an x, or horizontal at a y. */
export interface Marker {
  at: XValue;
  color: string;
  dashed?: boolean;
  label?: string;
  labelPosition?: "insideTopLeft" | "insideTopRight";
}

export interface SeriesWithBandChartProps {
  /** The figure's accessible name. */
  label: string;
  /** Shown under the chart; nothing is shown without it. */
  caption?: ReactNode;
  height?: number;
  x: readonly XValue[];
  /** "category": one tick per x label; "number": a linear scale; "integer": a linear scale with whole ticks. */
  xAxis?: "category" | "number" | "integer";
  series: readonly LineSeries[];
  band?: Band | null;
  xMarker?: Marker | null;
  yMarker?: Marker | null;
  /** Tick labels of a numeric x axis. */
  formatX?: (v: number) => string;
  /** Y tick labels and tooltip values (null for a missing value); formatNumber unless said. */
  formatY?: (v: number | null) => string;
  /** The tooltip's heading for an x. */
  formatTooltipLabel?: (x: unknown) => string;
  yDomain?: [number, number];
  yWidth?: number;
  legend?: boolean;
  tooltip?: boolean;
  /** Time series: monotone curves that bridge missing periods. Otherwise straight segments with gaps. */
  smooth?: boolean;
}

const DEFAULT_FORMAT_Y = (v: number | null) => formatNumber(v);

/**
 * Lines over a shared x axis with an optional shaded interval and reference lines: the one chart behind
 * treated vs control/synthetic trends, gaps with their bands, event studies and power curves.
 * Each optional part is drawn only when given (a vertical marker on a category axis only when its x is
 * one of the labels, since there is nowhere else to put it).
 */
export function SeriesWithBandChart({
  label,
  caption,
  height = 260,
  x,
  xAxis = "category",
  series,
  band,
  xMarker,
  yMarker,
  formatX,
  formatY = DEFAULT_FORMAT_Y,
  formatTooltipLabel,
  yDomain,
  yWidth = 60,
  legend = false,
  tooltip = true,
  smooth = false,
}: SeriesWithBandChartProps) {
  const rows = seriesRows(x, series, band);
  const showBand = !!band && rows.some((r) => r.band !== null);
  const showXMarker = !!xMarker && (xAxis !== "category" || x.includes(xMarker.at));
  const formatValue = (v: unknown) => formatY(typeof v === "number" ? v : null);
  const numericX = xAxis !== "category";
  return (
    <figure className="chart" aria-label={label}>
      <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 600, height }}>
        <ComposedChart data={rows} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          {numericX ? (
            <XAxis
              dataKey="xValue"
              type="number"
              domain={["dataMin", "dataMax"]}
              allowDecimals={xAxis !== "integer"}
              tickFormatter={formatX}
            />
          ) : (
            <XAxis dataKey="xValue" />
          )}
          <YAxis domain={yDomain} tickFormatter={(v: number) => formatY(v)} width={yWidth} />
          {tooltip ? (
            <Tooltip
              // A band's value is its [low, high] pair.
              formatter={(v) => (Array.isArray(v) ? v.map(formatValue).join(" to ") : formatValue(v))}
              labelFormatter={formatTooltipLabel}
            />
          ) : null}
          {legend ? <Legend /> : null}
          {showBand ? (
            <Area
              dataKey="band"
              name={band.name}
              stroke="none"
              fill={band.color}
              fillOpacity={band.opacity}
              isAnimationActive={false}
            />
          ) : null}
          {yMarker ? referenceLine("y", yMarker) : null}
          {showXMarker ? referenceLine("x", xMarker) : null}
          {series.map((s, i) => (
            <Line
              key={i}
              type={smooth ? "monotone" : "linear"}
              dataKey={seriesKey(i)}
              name={s.name}
              stroke={s.color}
              strokeWidth={s.width ?? 2}
              strokeDasharray={s.dash}
              dot={s.dots ?? false}
              isAnimationActive={false}
              connectNulls={smooth}
              legendType={s.name === undefined ? "none" : undefined}
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
      {caption ? <figcaption className="muted small">{caption}</figcaption> : null}
    </figure>
  );
}

function referenceLine(axis: "x" | "y", m: Marker) {
  return (
    <ReferenceLine
      {...{ [axis]: m.at }}
      stroke={m.color}
      strokeDasharray={m.dashed ? "4 4" : undefined}
      label={
        m.label ? { value: m.label, position: m.labelPosition ?? "insideTopLeft", fontSize: 11 } : undefined
      }
    />
  );
}
