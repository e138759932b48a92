/**
 * Experiment (ab) result: per-arm lift with intervals, the CUPED gain, the guardrail verdicts in
 * plain words, the Bayesian view (posterior of the lift, chance to win), the confidence sequence
 * over time for sequential runs and the hierarchical lift by segment. Every diagnostic is read
 * through a shape guard; absent parts are not drawn.
 */
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { formatNumber, formatP, formatPercent, formatSigned } from "../../core/format";
import { isObject } from "../../core/jsonschema";
import type { ModelResultViewProps } from "../../core/model-views";
import { alphaOf } from "../../core/significance";

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const pct = (v: number | null) => (v === null ? "—" : `${v >= 0 ? "+" : "−"}${formatPercent(Math.abs(v))}`);

interface Verdict {
  check: string;
  status: "ok" | "warning" | "fail";
  message: string;
}
function verdicts(d: Record<string, unknown>): Verdict[] {
  if (!Array.isArray(d.guardrails)) return [];
  return d.guardrails.filter(
    (v): v is Verdict =>
      isObject(v) &&
      typeof v.message === "string" &&
      (v.status === "ok" || v.status === "warning" || v.status === "fail"),
  );
}

interface Look {
  look: number;
  arm: string;
  estimate: number;
  ci_low: number;
  ci_high: number;
}
function looks(d: Record<string, unknown>): Look[] {
  const s = d.sequential;
  if (!isObject(s) || !Array.isArray(s.looks)) return [];
  return s.looks.filter(
    (l): l is Look =>
      isObject(l) &&
      num(l.look) !== null &&
      typeof l.arm === "string" &&
      num(l.ci_low) !== null &&
      num(l.ci_high) !== null &&
      num(l.estimate) !== null,
  );
}

interface SegmentRow {
  segment: string;
  estimate: number;
  pooled_estimate: number;
  ci_low: number;
  ci_high: number;
  shrinkage: number;
}
function hierarchical(d: Record<string, unknown>): [string, SegmentRow[]][] {
  const h = d.hierarchical;
  if (!isObject(h) || !isObject(h.by_arm)) return [];
  return Object.entries(h.by_arm).flatMap(([arm, v]) => {
    if (!isObject(v) || !Array.isArray(v.segments)) return [];
    const rows = v.segments.filter(
      (s): s is SegmentRow =>
        isObject(s) &&
        typeof s.segment === "string" &&
        [s.estimate, s.pooled_estimate, s.ci_low, s.ci_high, s.shrinkage].every((x) => num(x) !== null),
    );
    return rows.length ? [[arm, rows] as [string, SegmentRow[]]] : [];
  });
}

export default function AbResultView({ envelope }: ModelResultViewProps) {
  const d = envelope.diagnostics;
  const alpha = alphaOf(envelope.params);
  const level = formatPercent(1 - alpha);
  const control = typeof d.control === "string" ? d.control : "control";
  const cuped = isObject(d.cuped) ? d.cuped : null;
  const theta = num(cuped?.theta);
  const vr = num(cuped?.variance_reduction);
  const checks = verdicts(d);
  const series = looks(d);
  const segs = hierarchical(d);
  const bayes = envelope.estimates.some((e) => num(e.chance_to_beat_control) !== null);
  const sequential = envelope.estimates.some((e) => e.interval === "confidence_sequence");

  return (
    <div data-testid="ab-diagnostics">
      <section aria-labelledby="diagnostics-h" className="card">
        <h2 id="diagnostics-h">Lift by arm</h2>
        <table aria-label="Relative lift of each arm against control">
          <thead>
            <tr>
              <th>Arm</th>
              <th>Lift vs {control}</th>
              <th>
                {bayes ? "Credible" : sequential ? "Always-valid" : "Confidence"} interval ({level})
              </th>
              <th>Difference</th>
              {bayes ? <th>Chance to beat control</th> : <th>p-value</th>}
            </tr>
          </thead>
          <tbody>
            {envelope.estimates.map((e) => (
              <tr key={e.term}>
                <td>{e.term}</td>
                <td>{pct(num(e.relative_estimate))}</td>
                <td>
                  {pct(num(e.relative_ci_low))} to {pct(num(e.relative_ci_high))}
                </td>
                <td>{formatSigned(e.estimate)}</td>
                {bayes ? (
                  <td>{pct(num(e.chance_to_beat_control))?.replace("+", "")}</td>
                ) : (
                  <td>{formatP(e.p_value)}</td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {bayes ? (
          <p data-testid="bayes-summary">
            {envelope.estimates
              .map((e) => {
                const c = num(e.chance_to_beat_control);
                const loss = num(e.expected_loss);
                return c === null
                  ? null
                  : `${e.term}: ${formatPercent(c)} chance to beat ${control}; shipping it risks an expected loss of ${formatNumber(loss)} per unit.`;
              })
              .filter(Boolean)
              .join(" ")}
          </p>
        ) : null}
        {theta !== null && vr !== null ? (
          <p data-testid="cuped">
            CUPED used the pre-period metric (θ = {formatNumber(theta)}) and cut the variance by{" "}
            {formatPercent(vr)} — as if the experiment had {formatPercent(1 / (1 - vr) - 1)} more units.
          </p>
        ) : null}
      </section>

      {checks.length ? (
        <section aria-labelledby="guardrails-h" className="card">
          <h2 id="guardrails-h">Guardrails</h2>
          <ul data-testid="guardrails">
            {checks.map((v) => (
              <li key={v.check} className={v.status === "ok" ? "" : "text-danger"}>
                <strong>{v.status === "ok" ? "OK" : v.status === "warning" ? "Warning" : "Problem"}:</strong>{" "}
                {v.message}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {series.length ? (
        <section aria-labelledby="sequence-h" className="card">
          <h2 id="sequence-h">Confidence sequence over time</h2>
          <p className="muted small">
            Valid at every look: the effect is significant once the band excludes 0, however often the result
            is checked.
          </p>
          {[...new Set(series.map((l) => l.arm))].map((arm) => (
            <figure key={arm} aria-label={`Confidence sequence for ${arm}`}>
              <LineChart width={640} height={240} data={series.filter((l) => l.arm === arm)}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="look" />
                <YAxis />
                <Tooltip />
                <ReferenceLine y={0} stroke="#888" />
                <Line dataKey="ci_high" stroke="#7a9cc6" dot={false} name="upper" />
                <Line dataKey="estimate" stroke="#1f4e8c" dot={false} name="estimate" />
                <Line dataKey="ci_low" stroke="#7a9cc6" dot={false} name="lower" />
              </LineChart>
              <figcaption className="small muted">
                {arm} − {control} by look
              </figcaption>
            </figure>
          ))}
        </section>
      ) : null}

      {segs.length ? (
        <section aria-labelledby="segments-h" className="card">
          <h2 id="segments-h">Lift by segment (partial pooling)</h2>
          {segs.map(([arm, rows]) => (
            <table key={arm} aria-label={`Segment lifts for ${arm}`}>
              <thead>
                <tr>
                  <th>Segment</th>
                  <th>Own estimate</th>
                  <th>Pooled estimate</th>
                  <th>Interval</th>
                  <th>Shrinkage</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => (
                  <tr key={s.segment}>
                    <td>{s.segment}</td>
                    <td>{formatSigned(s.estimate)}</td>
                    <td>{formatSigned(s.pooled_estimate)}</td>
                    <td>
                      {formatSigned(s.ci_low)} to {formatSigned(s.ci_high)}
                    </td>
                    <td>{formatPercent(s.shrinkage)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        </section>
      ) : null}
    </div>
  );
}
