/**
 * Synthetic control: treated vs synthetic with the treatment line, the gap with its band (placebo
 * quantiles, or the conformal residual band), the donor weights, and the placebo "spaghetti" plot.
 * Every part is read through shape guards (shape.ts) and left out when absent.
 */
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { treatmentStartMarker, ZERO_LINE } from "../../components/charts/markers";
import { SeriesWithBandChart } from "../../components/charts/SeriesWithBandChart";
import { DiagnosticsList } from "../../components/GenericDiagnostics";
import { formatCount, formatNumber, formatP } from "../../core/format";
import type { ModelResultViewProps } from "../../core/model-views";
import { inference, num, optimizer, placebo, series, str, weights } from "./shape";
import { FactsList } from "../../components/FactsList";

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

const TREATED = "#d64525";
const fmt = (v: unknown) => formatNumber(typeof v === "number" ? v : null);

export default function SynthResultView({ envelope }: ModelResultViewProps) {
  const d = envelope.diagnostics;
  const pts = series(d);
  const w = weights(d);
  const pl = placebo(d);
  const inf = inference(d);
  const opt = optimizer(d);
  const start = str(d.treatment_start);

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

  const periods = pts?.map((p) => p.period) ?? [];
  const hasBand = !!pts?.some((p) => p.band !== null);
  const bandNote =
    inf?.method === "conformal"
      ? "The band is where residuals of the no-effect fit fall."
      : "The band spans the placebo gaps: where a gap would be if this unit had not been treated.";
  const nonZero = w?.filter((x) => Math.abs(x.weight) > 1e-6) ?? [];
  const placeboGaps = pl?.gaps ?? {};
  const spaghettiUnits = Object.keys(placeboGaps);

  return (
    <section aria-labelledby="diagnostics-h" className="card" data-testid="synth-diagnostics">
      <h2 id="diagnostics-h">Diagnostics</h2>
      <FactsList facts={facts} />

      {pts ? (
        <>
          <h3>Treated vs synthetic control</h3>
          <SeriesWithBandChart
            label="Treated and synthetic control outcome by period"
            caption="Before treatment the synthetic control should track the treated series closely; the gap after it is the estimated effect."
            x={periods}
            series={[
              { name: "Treated", color: TREATED, values: pts.map((p) => p.treated) },
              {
                name: "Synthetic control",
                color: "#2557d6",
                values: pts.map((p) => p.synthetic),
                dash: "6 3",
              },
            ]}
            xMarker={treatmentStartMarker(start, "treatment starts")}
            legend
            smooth
          />

          <h3>Gap (treated − synthetic)</h3>
          <SeriesWithBandChart
            label="Gap between treated and synthetic control by period"
            caption={hasBand ? bandNote : null}
            height={240}
            x={periods}
            series={[{ name: "Gap", color: TREATED, values: pts.map((p) => p.gap) }]}
            band={{
              name: inf?.method === "conformal" ? "Conformal band" : "Placebo band",
              color: "#9ca3af",
              opacity: 0.3,
              low: pts.map((p) => p.band?.[0] ?? null),
              high: pts.map((p) => p.band?.[1] ?? null),
            }}
            yMarker={ZERO_LINE}
            xMarker={treatmentStartMarker(start)}
            smooth
          />
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

      {pts && spaghettiUnits.length ? (
        <>
          <h3>Placebo gaps</h3>
          <SeriesWithBandChart
            label="Gaps of the treated unit and of every placebo"
            caption={
              <>
                Each grey line is a donor treated as if it had been treated.
                {pl?.rank !== null && pl?.rank !== undefined
                  ? ` The treated unit's post/pre RMSPE ratio ranks ${pl.rank} of ${pl.units.length + 1}${pl.p_value !== null ? ` (p = ${formatP(pl.p_value)})` : ""}.`
                  : ""}
              </>
            }
            x={periods}
            series={[
              ...spaghettiUnits.map((u) => ({
                color: "#c4c9d4",
                width: 1,
                values: pts.map((_, t) => placeboGaps[u][t] ?? null),
              })),
              { name: "Treated", color: TREATED, width: 2.5, values: pts.map((p) => p.gap) },
            ]}
            yMarker={ZERO_LINE}
            xMarker={treatmentStartMarker(start)}
            tooltip={false}
          />
        </>
      ) : null}

      <details className="diag-more">
        <summary>All diagnostics</summary>
        <DiagnosticsList diagnostics={d} exclude={DRAWN} />
      </details>
    </section>
  );
}
