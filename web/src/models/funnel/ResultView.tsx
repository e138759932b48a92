/**
 * Funnel: users per step as a funnel chart with the drop-off between steps, the steps table (conversion,
 * drop-off, median time; CSV export), the breakdown and the partial-funnel attribution of each step's
 * progress. Parts without data are not drawn.
 */
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  LabelList,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { DiagnosticsList } from "../../components/GenericDiagnostics";
import { downloadText } from "../../core/csv";
import { formatCount, formatPercent } from "../../core/format";
import type { ModelResultViewProps } from "../../core/model-views";
import { breakdown, progress, steps, stepsCsv, type Step } from "./shape";

const DRAWN = ["breakdown", "attribution", "steps", "conventions"];

function pct(v: number | null): string {
  return v === null ? "—" : formatPercent(v);
}

function duration(s: number | null): string {
  if (s === null) return "—";
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

function FunnelChart({ s }: { s: Step[] }) {
  const data = s.map((x, i) => ({
    label: x.label,
    users: x.users,
    note:
      i === 0
        ? formatCount(x.users)
        : `${formatCount(x.users)} (−${pct(x.fromPrevious === null ? null : 1 - x.fromPrevious)})`,
  }));
  return (
    <figure className="chart" aria-label="Users reaching each funnel step">
      <ResponsiveContainer
        width="100%"
        height={60 + 44 * s.length}
        initialDimension={{ width: 640, height: 60 + 44 * s.length }}
      >
        <BarChart data={data} layout="vertical" margin={{ top: 8, right: 120, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" tickFormatter={(v: number) => formatCount(v)} />
          <YAxis type="category" dataKey="label" width={160} />
          <Tooltip formatter={(v) => formatCount(typeof v === "number" ? v : null)} />
          <Bar dataKey="users" name="Users" isAnimationActive={false}>
            {data.map((_, i) => (
              <Cell
                key={i}
                fill={`rgba(37, 87, 214, ${(1 - (0.5 * i) / Math.max(1, data.length - 1)).toFixed(2)})`}
              />
            ))}
            <LabelList dataKey="note" position="right" />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="muted small">
        Each bar is the people who reached the step; in brackets, the drop-off from the step before.
      </figcaption>
    </figure>
  );
}

export default function FunnelResultView({ envelope }: ModelResultViewProps) {
  const d = envelope.diagnostics;
  const s = steps(envelope);
  const b = breakdown(d);
  const pr = progress(d);
  if (!s.length && !b && !pr) return null;
  return (
    <>
      {s.length ? (
        <section aria-labelledby="diagnostics-h" className="card" data-testid="funnel-view">
          <h2 id="diagnostics-h">Funnel</h2>
          <FunnelChart s={s} />
          <div className="table-scroll">
            <table className="table table--compact">
              <caption className="visually-hidden">Users, conversion and drop-off per funnel step</caption>
              <thead>
                <tr>
                  <th scope="col">Step</th>
                  <th scope="col" className="num">
                    Users
                  </th>
                  <th scope="col" className="num">
                    Conversion
                  </th>
                  <th scope="col" className="num">
                    From previous
                  </th>
                  <th scope="col" className="num">
                    Drop-off
                  </th>
                  <th scope="col" className="num">
                    Median time from previous
                  </th>
                </tr>
              </thead>
              <tbody>
                {s.map((x, i) => (
                  <tr key={x.label}>
                    <th scope="row">{x.label}</th>
                    <td className="num">{formatCount(x.users)}</td>
                    <td className="num">{pct(x.conversion)}</td>
                    <td className="num">{i === 0 ? "—" : pct(x.fromPrevious)}</td>
                    <td className="num">{i === 0 || x.dropOff === null ? "—" : formatCount(x.dropOff)}</td>
                    <td className="num">{i === 0 ? "—" : duration(x.medianSeconds)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <button
            type="button"
            className="btn btn--small"
            onClick={() => downloadText(`funnel-${envelope.job_id}.csv`, stepsCsv(s), "text/csv")}
          >
            Export steps (CSV)
          </button>
        </section>
      ) : null}

      {b ? (
        <section aria-labelledby="breakdown-h" className="card">
          <h2 id="breakdown-h">By {b.dimension}</h2>
          <div className="table-scroll">
            <table className="table table--compact">
              <caption className="visually-hidden">Users per step by {b.dimension}</caption>
              <thead>
                <tr>
                  <th scope="col">{b.dimension}</th>
                  {s.map((x) => (
                    <th scope="col" className="num" key={x.label}>
                      {x.label}
                    </th>
                  ))}
                  <th scope="col" className="num">
                    Conversion
                  </th>
                </tr>
              </thead>
              <tbody>
                {b.rows.map((r) => (
                  <tr key={r.value}>
                    <th scope="row">{r.value}</th>
                    {r.users.map((u, i) => (
                      <td className="num" key={i}>
                        {formatCount(u)}
                      </td>
                    ))}
                    <td className="num">
                      {r.users[0] > 0 ? pct(r.users[r.users.length - 1] / r.users[0]) : "—"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      {pr ? (
        <section aria-labelledby="progress-h" className="card" data-testid="funnel-progress">
          <h2 id="progress-h">Progress credited to {pr.dimension}</h2>
          <p className="muted small">
            Each person who moved on is credited equally to the distinct {pr.dimension} values they touched
            between the two steps; the credits of a step add up to the people who moved on.
          </p>
          {pr.steps.map((st) => (
            <div key={`${st.from}→${st.to}`}>
              <h3>
                {st.from} → {st.to} ({formatCount(st.progressed)})
              </h3>
              {st.channels.length ? (
                <table className="table table--compact">
                  <caption className="visually-hidden">
                    Credit for moving from {st.from} to {st.to}
                  </caption>
                  <tbody>
                    {st.channels.map((c) => (
                      <tr key={c.value}>
                        <th scope="row">{c.value}</th>
                        <td className="num">
                          {c.credit.toLocaleString("en-US", { maximumFractionDigits: 2 })}
                        </td>
                        <td className="num">{st.progressed > 0 ? pct(c.credit / st.progressed) : "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <p className="muted small">Nobody moved on.</p>
              )}
            </div>
          ))}
        </section>
      ) : null}

      <details className="diag-more">
        <summary>All diagnostics</summary>
        <DiagnosticsList diagnostics={d} exclude={DRAWN} />
      </details>
    </>
  );
}
