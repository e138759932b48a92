/**
 * Geo test design: the ranked treatment market sets (power at the expected effect, MDE, pre-period
 * fit, cost) and the power curves of the best few. "No feasible market set" is shown as a result.
 */
import { SeriesWithBandChart } from "../../components/charts/SeriesWithBandChart";
import { DiagnosticsList } from "../../components/GenericDiagnostics";
import { formatCount, formatNumber, formatPercent } from "../../core/format";
import { isObject } from "../../core/jsonschema";
import type { ModelResultViewProps } from "../../core/model-views";
import { num, ranked } from "./shape";
import { FactsList } from "../../components/FactsList";

const DRAWN = [
  "ranked",
  "feasible",
  "reason",
  "simulations",
  "parallel",
  "n_sets_scored",
  "test_length",
  "power_target",
];
const COLORS = ["#d64525", "#2557d6", "#1b9e77", "#7570b3", "#e6ab02"];
const pct = (v: number | null) => (v === null ? "—" : formatPercent(v));

export default function GeoDesignResultView({ envelope }: ModelResultViewProps) {
  const d = envelope.diagnostics;
  const sets = ranked(d);
  const target = num(d.power_target);
  const facts: Array<[string, string]> = [];
  const tl = num(d.test_length);
  if (tl !== null) facts.push(["Test length", `${formatCount(tl)} periods`]);
  const sims = num(d.simulations);
  if (sims !== null) facts.push(["Simulations", formatCount(sims)]);
  const scored = num(d.n_sets_scored);
  if (scored !== null) facts.push(["Sets scored", formatCount(scored)]);
  if (isObject(d.parallel) && typeof d.parallel.mode === "string")
    facts.push([
      "Ran on",
      `${d.parallel.mode === "worker_threads" ? "worker threads" : "one thread"}${num(d.parallel.threads) ? ` (${d.parallel.threads})` : ""}`,
    ]);
  if (target !== null) facts.push(["Power target", formatPercent(target)]);

  const top = (sets ?? []).slice(0, 5).filter((s) => s.power_curve.length > 1);

  return (
    <section aria-labelledby="diagnostics-h" className="card" data-testid="geo-design-diagnostics">
      <h2 id="diagnostics-h">Market selection</h2>
      {d.feasible === false ? (
        <p className="alert alert--info" data-testid="infeasible">
          No feasible market set{typeof d.reason === "string" ? `: ${d.reason}` : ""}.
        </p>
      ) : null}
      <FactsList facts={facts} />

      {sets && sets.length ? (
        <div className="table-scroll">
          <table className="table table--compact">
            <caption className="visually-hidden">
              Treatment market sets ranked by power, MDE and pre-period fit
            </caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  Rank
                </th>
                <th scope="col">Markets</th>
                <th scope="col" className="num">
                  Power
                </th>
                <th scope="col" className="num">
                  MDE
                </th>
                <th scope="col" className="num">
                  Scaled pre RMSPE
                </th>
                {sets.some((s) => s.cost !== null) ? (
                  <th scope="col" className="num">
                    Cost
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {sets.map((s) => (
                <tr key={s.markets.join(",")}>
                  <td className="num">{s.rank}</td>
                  <th scope="row">{s.markets.join(", ")}</th>
                  <td className="num">{pct(s.power)}</td>
                  <td className="num">{pct(s.mde)}</td>
                  <td className="num">{formatNumber(s.scaled_pre_rmspe)}</td>
                  {sets.some((x) => x.cost !== null) ? <td className="num">{formatNumber(s.cost)}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {top.length ? (
        <>
          <h3>Power by effect size</h3>
          <SeriesWithBandChart
            label="Simulated power by effect size for the best market sets"
            caption="Share of historical windows in which the conformal test detects an injected effect of that size."
            x={top[0].power_curve.map((p) => p.effect)}
            xAxis="number"
            formatX={formatPercent}
            series={top.map((s, i) => ({
              name: s.markets.join(" + "),
              color: COLORS[i % COLORS.length],
              // Read at the effects of the best set's curve, which the x axis shows.
              values: top[0].power_curve.map((_, k) => s.power_curve[k]?.power ?? null),
            }))}
            yMarker={target !== null ? { at: target, color: "#9ca3af", dashed: true } : null}
            formatY={pct}
            formatTooltipLabel={(v) => `effect ${pct(typeof v === "number" ? v : null)}`}
            yDomain={[0, 1]}
            yWidth={50}
            legend
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
