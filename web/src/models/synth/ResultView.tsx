/**
 * Synthetic control: treated vs synthetic with the treatment line, the gap with its band (placebo
 * quantiles, or the conformal residual band), the donor weights, and the placebo "spaghetti" plot.
 * Every part is read through shape guards (shape.ts) and left out when absent.
 */
import {
  Area,
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { DiagnosticsList } from "../../components/GenericDiagnostics";
import { formatCount, formatNumber, formatP } from "../../core/format";
import type { ModelResultViewProps } from "../../core/model-views";
import { inference, num, optimizer, placebo, series, str, weights } from "./shape";

const DRAWN = [
  "series",
  "gaps",
  "weights",
  "placebo",
  "inference",
  "optimizer",
  "method",
  "pre_rmspe",
  "scaled_l2_imbalance",
  "n_donors",
  "n_pre",
  "n_post",
  "treatment_start",
];

const fmt = (v: unknown) => formatNumber(typeof v === "number" ? v : null);

export default function SynthResultView({ envelope }: ModelResultViewProps) {
  const d = envelope.diagnostics;
  const pts = series(d);
  const w = weights(d);
  const pl = placebo(d);
  const inf = inference(d);
  const opt = optimizer(d);
  const start = str(d.treatment_start);
  const marker = start !== null && pts?.some((p) => p.period === start) ? start : null;

  const facts: Array<[string, string]> = [];
  const method = str(d.method);
  if (method)
    facts.push([
      "Method",
      method === "adh"
        ? "ADH (predictors, data-driven V)"
        : method === "augmented"
          ? "augmented (ridge)"
          : "outcome-only",
    ]);
  if (inf)
    facts.push([
      "Inference",
      inf.method === "placebo" ? "placebo-in-space (RMSPE ratio)" : "conformal (CWZ 2021)",
    ]);
  if (inf?.rank !== null && inf?.rank !== undefined && inf.n_units !== null)
    facts.push(["Placebo rank", `${inf.rank} of ${inf.n_units}`]);
  if (inf?.p_value !== null && inf?.p_value !== undefined) facts.push(["p-value", formatP(inf.p_value)]);
  for (const [k, label] of [
    ["pre_rmspe", "Pre-period RMSPE"],
    ["scaled_l2_imbalance", "Scaled L2 imbalance"],
  ] as const) {
    const v = num(d[k]);
    if (v !== null) facts.push([label, formatNumber(v)]);
  }
  for (const [k, label] of [
    ["n_donors", "Donors"],
    ["n_pre", "Pre periods"],
    ["n_post", "Post periods"],
  ] as const) {
    const v = num(d[k]);
    if (v !== null) facts.push([label, formatCount(v)]);
  }
  if (opt)
    facts.push([
      "Optimiser",
      `${opt.converged ? "converged" : "NOT converged"}${opt.kkt !== null ? ` (KKT residual ${opt.kkt.toExponential(1)})` : ""}`,
    ]);

  const bandData = pts?.map((p) => ({ period: p.period, gap: p.gap, band: p.band }));
  const hasBand = !!bandData?.some((p) => p.band !== null);
  const nonZero = w?.filter((x) => Math.abs(x.weight) > 1e-6) ?? [];
  const spaghettiUnits = pl ? Object.keys(pl.gaps) : [];
  const spaghetti =
    pts && spaghettiUnits.length
      ? pts.map((p, t) => ({
          period: p.period,
          treated: p.gap,
          ...Object.fromEntries(spaghettiUnits.map((u) => [u, pl!.gaps[u][t] ?? null])),
        }))
      : null;

  return (
    <section aria-labelledby="diagnostics-h" className="card" data-testid="synth-diagnostics">
      <h2 id="diagnostics-h">Diagnostics</h2>
      {facts.length ? (
        <dl className="kv kv--inline">
          {facts.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      ) : null}

      {pts ? (
        <>
          <h3>Treated vs synthetic control</h3>
          <figure className="chart" aria-label="Treated and synthetic control outcome by period">
            <ResponsiveContainer width="100%" height={260} initialDimension={{ width: 600, height: 260 }}>
              <LineChart data={pts} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="period" />
                <YAxis tickFormatter={(v: number) => formatNumber(v)} width={60} />
                <Tooltip formatter={fmt} />
                <Legend />
                {marker ? (
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
                  dataKey="synthetic"
                  name="Synthetic control"
                  stroke="#2557d6"
                  strokeWidth={2}
                  strokeDasharray="6 3"
                  dot={false}
                  isAnimationActive={false}
                  connectNulls
                />
              </LineChart>
            </ResponsiveContainer>
            <figcaption className="muted small">
              Before treatment the synthetic control should track the treated series closely; the gap after it
              is the estimated effect.
            </figcaption>
          </figure>

          <h3>Gap (treated − synthetic)</h3>
          <figure className="chart" aria-label="Gap between treated and synthetic control by period">
            <ResponsiveContainer width="100%" height={240} initialDimension={{ width: 600, height: 240 }}>
              <ComposedChart data={bandData} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="period" />
                <YAxis tickFormatter={(v: number) => formatNumber(v)} width={60} />
                <Tooltip formatter={(v) => (Array.isArray(v) ? v.map((x) => fmt(x)).join(" to ") : fmt(v))} />
                {hasBand ? (
                  <Area
                    dataKey="band"
                    name={inf?.method === "conformal" ? "Conformal band" : "Placebo band"}
                    stroke="none"
                    fill="#9ca3af"
                    fillOpacity={0.3}
                    isAnimationActive={false}
                  />
                ) : null}
                <ReferenceLine y={0} stroke="#6b7280" />
                {marker ? <ReferenceLine x={marker} stroke="#9ca3af" strokeDasharray="4 4" /> : null}
                <Line
                  type="monotone"
                  dataKey="gap"
                  name="Gap"
                  stroke="#d64525"
                  strokeWidth={2}
                  dot={false}
                  isAnimationActive={false}
                  connectNulls
                />
              </ComposedChart>
            </ResponsiveContainer>
            {hasBand ? (
              <figcaption className="muted small">
                {inf?.method === "conformal"
                  ? "The band is where residuals of the no-effect fit fall."
                  : "The band spans the placebo gaps: where a gap would be if this unit had not been treated."}
              </figcaption>
            ) : null}
          </figure>
        </>
      ) : null}

      {nonZero.length ? (
        <>
          <h3>Donor weights</h3>
          <figure className="chart" aria-label="Donor weights of the synthetic control">
            <ResponsiveContainer
              width="100%"
              height={Math.max(120, 28 * Math.min(nonZero.length, 15))}
              initialDimension={{ width: 600, height: 200 }}
            >
              <BarChart
                data={nonZero.slice(0, 15)}
                layout="vertical"
                margin={{ top: 8, right: 24, bottom: 8, left: 8 }}
              >
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" tickFormatter={(v: number) => formatNumber(v)} />
                <YAxis type="category" dataKey="donor" width={120} />
                <Tooltip formatter={fmt} />
                <Bar dataKey="weight" name="Weight" fill="#2557d6" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </figure>
          <div className="table-scroll">
            <table className="table table--compact">
              <caption className="visually-hidden">Donor weights</caption>
              <thead>
                <tr>
                  <th scope="col">Donor</th>
                  <th scope="col" className="num">
                    Weight
                  </th>
                </tr>
              </thead>
              <tbody>
                {nonZero.map((x) => (
                  <tr key={x.donor}>
                    <th scope="row">{x.donor}</th>
                    <td className="num">{formatNumber(x.weight)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {w && w.length > nonZero.length ? (
            <p className="muted small">{w.length - nonZero.length} other donor(s) have weight 0.</p>
          ) : null}
        </>
      ) : null}

      {spaghetti ? (
        <>
          <h3>Placebo gaps</h3>
          <figure className="chart" aria-label="Gaps of the treated unit and of every placebo">
            <ResponsiveContainer width="100%" height={260} initialDimension={{ width: 600, height: 260 }}>
              <LineChart data={spaghetti} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="period" />
                <YAxis tickFormatter={(v: number) => formatNumber(v)} width={60} />
                <ReferenceLine y={0} stroke="#6b7280" />
                {marker ? <ReferenceLine x={marker} stroke="#9ca3af" strokeDasharray="4 4" /> : null}
                {spaghettiUnits.map((u) => (
                  <Line
                    key={u}
                    dataKey={u}
                    stroke="#c4c9d4"
                    strokeWidth={1}
                    dot={false}
                    isAnimationActive={false}
                    legendType="none"
                  />
                ))}
                <Line
                  dataKey="treated"
                  name="Treated"
                  stroke="#d64525"
                  strokeWidth={2.5}
                  dot={false}
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
            <figcaption className="muted small">
              Each grey line is a donor treated as if it had been treated.
              {pl?.rank !== null && pl?.rank !== undefined
                ? ` The treated unit's post/pre RMSPE ratio ranks ${pl.rank} of ${pl.units.length + 1}${pl.p_value !== null ? ` (p = ${formatP(pl.p_value)})` : ""}.`
                : ""}
            </figcaption>
          </figure>
        </>
      ) : null}

      <details className="diag-more">
        <summary>All diagnostics</summary>
        <DiagnosticsList diagnostics={d} exclude={DRAWN} />
      </details>
    </section>
  );
}
