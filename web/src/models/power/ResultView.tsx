/**
 * Power calculator result: "how long must we run this?" — units needed (with and without CUPED),
 * runtime in days from traffic, or the MDE of a given size. Reads estimates by term, guarded.
 */
import { formatCount, formatNumber, formatPercent } from "../../core/format";
import type { ModelResultViewProps } from "../../core/model-views";

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export default function PowerResultView({ envelope }: ModelResultViewProps) {
  const by = new Map(envelope.estimates.map((e) => [e.term, e]));
  const total = by.get("total_units");
  const days = by.get("runtime_days");
  const mde = by.get("mde_absolute");
  const rel = by.get("mde_relative");
  const vr = num(envelope.diagnostics.variance_reduction);
  const sentences: string[] = [];
  if (days && num(days.estimate) !== null) {
    const raw = num(days.without_cuped);
    sentences.push(
      `Run it for ${formatCount(days.estimate)} day(s)` +
        (raw !== null && vr
          ? ` (${formatCount(raw)} without CUPED's ${formatPercent(vr)} variance reduction).`
          : "."),
    );
  }
  if (total && !mde) sentences.push(`It needs ${formatCount(total.estimate)} units in total.`);
  if (mde) {
    sentences.push(
      `With ${formatCount(num(total?.estimate))} units it can detect an effect of ${formatNumber(mde.estimate)}` +
        (rel ? ` (${formatPercent(Math.abs(rel.estimate))} relative).` : "."),
    );
  }
  if (!sentences.length) return null;
  return (
    <section aria-labelledby="diagnostics-h" className="card" data-testid="power-diagnostics">
      <h2 id="diagnostics-h">How long must we run this?</h2>
      {sentences.map((s) => (
        <p key={s}>{s}</p>
      ))}
    </section>
  );
}
