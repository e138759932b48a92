/**
 * Geo test design: the ranked treatment market sets (power at the expected effect, MDE, pre-period
 * fit, cost) and the power curves of the best few. "No feasible market set" is shown as a result.
 */
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
import { DiagnosticsList } from "../../components/GenericDiagnostics";
import { formatCount, formatNumber, formatPercent } from "../../core/format";
import { isObject } from "../../core/jsonschema";
import type { ModelResultViewProps } from "../../core/model-views";
import { num, ranked } from "./shape";

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
  const curve = top.length
    ? top[0].power_curve.map((p, k) => ({
        effect: p.effect,
        ...Object.fromEntries(top.map((s) => [s.markets.join(" + "), s.power_curve[k]?.power ?? null])),
      }))
    : null;

  return (
    <section aria-labelledby="diagnostics-h" className="card" data-testid="geo-design-diagnostics">
      <h2 id="diagnostics-h">Market selection</h2>
      {d.feasible === false ? (
        <p className="alert alert--info" data-testid="infeasible">
          No feasible market set{typeof d.reason === "string" ? `: ${d.reason}` : ""}.
        </p>
      ) : null}
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

      {curve ? (
        <>
          <h3>Power by effect size</h3>
          <figure className="chart" aria-label="Simulated power by effect size for the best market sets">
            <ResponsiveContainer width="100%" height={260} initialDimension={{ width: 600, height: 260 }}>
              <LineChart data={curve} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis
                  dataKey="effect"
                  type="number"
                  tickFormatter={(v: number) => formatPercent(v)}
                  domain={["dataMin", "dataMax"]}
                />
                <YAxis domain={[0, 1]} tickFormatter={(v: number) => formatPercent(v)} width={50} />
                <Tooltip
                  formatter={(v) => pct(typeof v === "number" ? v : null)}
                  labelFormatter={(v) => `effect ${pct(typeof v === "number" ? v : null)}`}
                />
                <Legend />
                {target !== null ? <ReferenceLine y={target} stroke="#9ca3af" strokeDasharray="4 4" /> : null}
                {top.map((s, i) => (
                  <Line
                    key={s.markets.join(",")}
                    dataKey={s.markets.join(" + ")}
                    stroke={COLORS[i % COLORS.length]}
                    strokeWidth={2}
                    dot={false}
                    isAnimationActive={false}
                  />
                ))}
              </LineChart>
            </ResponsiveContainer>
            <figcaption className="muted small">
              Share of historical windows in which the conformal test detects an injected effect of that size.
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
