/**
 * Attribution: channels × models side by side (chart and table, CSV export), the Markov removal
 * effects and transition matrix, and the ordered Shapley credit by rank of first touch. Every part is
 * drawn only when its data is present and well-formed.
 */
import { useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { DiagnosticsList } from "../../components/GenericDiagnostics";
import { downloadText } from "../../core/csv";
import { formatNumber, formatPercent } from "../../core/format";
import type { ModelResultViewProps } from "../../core/model-views";
import {
  conventions,
  markov,
  MODEL_LABELS,
  pivot,
  pivotCsv,
  shapleyRanks,
  totals,
  transitionsCsv,
  type MarkovDiag,
  type Pivot,
} from "./shape";

const DRAWN = ["markov", "totals", "reconciles", "reconciliation", "conventions", "channels", "models"];
const COLORS = ["#2557d6", "#d64525", "#2a9d5c", "#b5179e", "#e09f1f", "#4d908e", "#6d597a", "#8d99ae"];
/** The transition matrix is drawn as a grid up to this many states (order 1 with many channels, order 2 with few). */
const MATRIX_MAX_STATES = 30;

const label = (m: string) => MODEL_LABELS[m] ?? m;

/** Attributed conversions and value: thousands separators, up to two decimals (2.1474 → "2.15"). */
function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  return x.toLocaleString("en-US", { maximumFractionDigits: Math.abs(x) >= 1000 ? 0 : 2 });
}

function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? "th" : (({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th");
  return `${n}${suffix}`;
}

function ChannelsChart({ p, metric }: { p: Pivot; metric: "conversions" | "value" }) {
  const data = p.channels.map((ch) => {
    const row: Record<string, string | number | null> = { channel: ch };
    for (const m of p.models) row[m] = p.cells.get(ch)?.get(m)?.[metric] ?? null;
    return row;
  });
  return (
    <figure className="chart" aria-label={`Attributed ${metric} by channel and model`}>
      <ResponsiveContainer width="100%" height={300} initialDimension={{ width: 640, height: 300 }}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="channel" />
          <YAxis tickFormatter={(v: number) => formatNumber(v)} width={64} />
          <Tooltip formatter={(v) => fmt(typeof v === "number" ? v : null)} />
          <Legend />
          {p.models.map((m, i) => (
            <Bar
              key={m}
              dataKey={m}
              name={label(m)}
              fill={COLORS[i % COLORS.length]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="muted small">
        Each model shares the same conversions{p.hasValue ? " and value" : ""} among the channels; bars of one
        model add up to the total.
      </figcaption>
    </figure>
  );
}

function PivotTable({ p, metric }: { p: Pivot; metric: "conversions" | "value" }) {
  return (
    <div className="table-scroll">
      <table className="table table--compact">
        <caption className="visually-hidden">
          Attributed {metric} by channel (rows) and model (columns)
        </caption>
        <thead>
          <tr>
            <th scope="col">Channel</th>
            {p.models.map((m) => (
              <th scope="col" className="num" key={m}>
                {label(m)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {p.channels.map((ch) => (
            <tr key={ch}>
              <th scope="row">{ch}</th>
              {p.models.map((m) => (
                <td className="num" key={m}>
                  {fmt(p.cells.get(ch)?.get(m)?.[metric] ?? null)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TransitionGrid({ m }: { m: NonNullable<MarkovDiag["matrix"]> }) {
  const from = ["(start)", ...m.states];
  const to = [...m.states, "(conversion)", "(null)"];
  const prob = new Map(m.transitions.map((t) => [`${t.from}\u0000${t.to}`, t.probability]));
  return (
    <div className="table-scroll">
      <table className="table table--compact" data-testid="transition-matrix">
        <caption className="visually-hidden">
          Markov transition probabilities, from (rows) to (columns)
        </caption>
        <thead>
          <tr>
            <th scope="col">From \ to</th>
            {to.map((s) => (
              <th scope="col" className="num" key={s}>
                {s}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {from.map((f) => (
            <tr key={f}>
              <th scope="row">{f}</th>
              {to.map((t) => {
                const p = prob.get(`${f}\u0000${t}`);
                return (
                  <td
                    className="num"
                    key={t}
                    style={
                      p ? { backgroundColor: `rgba(37, 87, 214, ${(0.08 + 0.6 * p).toFixed(3)})` } : undefined
                    }
                  >
                    {p ? p.toFixed(3) : ""}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function AttributionResultView({ envelope }: ModelResultViewProps) {
  const d = envelope.diagnostics;
  const p = pivot(envelope);
  const mk = markov(d);
  const ranks = shapleyRanks(envelope);
  const t = totals(d);
  const conv = conventions(d);
  const [metric, setMetric] = useState<"conversions" | "value">("conversions");
  const shown = metric === "value" && p?.hasValue ? "value" : "conversions";
  const maxRank = Math.max(0, ...ranks.map((r) => r.ranks.length));

  return (
    <>
      {p ? (
        <section aria-labelledby="diagnostics-h" className="card" data-testid="attribution-view">
          <h2 id="diagnostics-h">Channels by model</h2>
          {t.conversions !== null ? (
            <p data-testid="reconciliation">
              {fmt(t.conversions)} conversions
              {t.value !== null ? ` worth ${fmt(t.value)}` : ""} attributed by {p.models.length} model
              {p.models.length === 1 ? "" : "s"} across {p.channels.length} channel
              {p.channels.length === 1 ? "" : "s"}.{" "}
              {t.reconciles === true
                ? "Every model's channel totals add up to these totals."
                : t.reconciles === false
                  ? "Warning: some model's channel totals do not add up to the input."
                  : ""}
            </p>
          ) : null}
          <div className="button-row">
            {p.hasValue ? (
              <label className="field field--inline">
                <span>Show</span>
                <select value={shown} onChange={(e) => setMetric(e.target.value as "conversions" | "value")}>
                  <option value="conversions">Conversions</option>
                  <option value="value">Value</option>
                </select>
              </label>
            ) : null}
            <button
              type="button"
              className="btn btn--small"
              onClick={() => downloadText(`attribution-${envelope.job_id}.csv`, pivotCsv(p), "text/csv")}
            >
              Export channels × models (CSV)
            </button>
          </div>
          <ChannelsChart p={p} metric={shown} />
          <PivotTable p={p} metric={shown} />
        </section>
      ) : null}

      {mk ? (
        <section aria-labelledby="markov-h" className="card" data-testid="markov-view">
          <h2 id="markov-h">Markov chain{mk.order !== null ? ` (order ${mk.order})` : ""}</h2>
          <p className="muted small">
            Removal effect: the share of conversions lost if the channel disappeared from every journey,
            computed exactly from the chain
            {mk.conversionProbability !== null
              ? `; conversion probability ${formatPercent(mk.conversionProbability)}`
              : ""}
            {mk.states !== null ? `, ${formatNumber(mk.states)} states` : ""}.
          </p>
          {mk.removalEffects.length ? (
            <div className="table-scroll">
              <table className="table table--compact">
                <caption className="visually-hidden">Markov removal effects by channel</caption>
                <thead>
                  <tr>
                    <th scope="col">Channel</th>
                    <th scope="col" className="num">
                      Removal effect
                    </th>
                    <th scope="col" className="num">
                      Value removal effect
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {mk.removalEffects.map((r) => (
                    <tr key={r.channel}>
                      <th scope="row">{r.channel}</th>
                      <td className="num">{formatPercent(r.removal_effect)}</td>
                      <td className="num">
                        {r.removal_effect_value !== null ? formatPercent(r.removal_effect_value) : "—"}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {mk.matrix ? (
            <>
              <h3>Transition probabilities</h3>
              {mk.matrix.states.length <= MATRIX_MAX_STATES ? (
                <TransitionGrid m={mk.matrix} />
              ) : (
                <p className="muted small">
                  {formatNumber(mk.matrix.states.length)} states are too many to draw as a grid; export the
                  transitions instead.
                </p>
              )}
              <button
                type="button"
                className="btn btn--small"
                onClick={() =>
                  downloadText(
                    `markov-transitions-${envelope.job_id}.csv`,
                    transitionsCsv(mk.matrix!),
                    "text/csv",
                  )
                }
              >
                Export transitions (CSV)
              </button>
            </>
          ) : null}
        </section>
      ) : null}

      {ranks.length && maxRank > 0 ? (
        <section aria-labelledby="ordered-h" className="card">
          <h2 id="ordered-h">Ordered Shapley by touch rank</h2>
          <div className="table-scroll">
            <table className="table table--compact">
              <caption className="visually-hidden">
                Conversions credited to each channel by its rank among the journey's channels
              </caption>
              <thead>
                <tr>
                  <th scope="col">Channel</th>
                  {Array.from({ length: maxRank }, (_, i) => (
                    <th scope="col" className="num" key={i}>
                      {ordinal(i + 1)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {ranks.map((r) => (
                  <tr key={r.channel}>
                    <th scope="row">{r.channel}</th>
                    {Array.from({ length: maxRank }, (_, i) => (
                      <td className="num" key={i}>
                        {fmt(r.ranks[i] ?? 0)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      {conv.length ? (
        <section aria-labelledby="methods-h" className="card">
          <h2 id="methods-h">Methods</h2>
          <dl className="kv">
            {conv.map(([m, text]) => (
              <div key={m}>
                <dt>{label(m)}</dt>
                <dd>{text}</dd>
              </div>
            ))}
          </dl>
          <details className="diag-more">
            <summary>All diagnostics</summary>
            <DiagnosticsList diagnostics={d} exclude={DRAWN} />
          </details>
        </section>
      ) : null}
    </>
  );
}
