/**
 * Difference-in-differences diagnostics: the design facts, treated vs control trends (the parallel-trends
 * picture), the 2×2 cell means, and the event study with its pre-trend test. Everything is read through
 * shape guards, so a diagnostic the run did not produce is simply not drawn.
 */
import { EventStudyChart } from "../../components/charts/EventStudyChart";
import { TrendsChart } from "../../components/charts/TrendsChart";
import { DiagnosticsList } from "../../components/GenericDiagnostics";
import { eventStudy, parallelTrends, type PretrendTest } from "../../core/diagnostics";
import { formatCount, formatNumber, formatP, formatPercent } from "../../core/format";
import { isObject } from "../../core/jsonschema";
import type { ModelResultViewProps } from "../../core/model-views";
import { alphaOf } from "../../core/significance";
import { FactsList } from "../../components/FactsList";

/** Diagnostics this view draws itself; the rest go to the generic list underneath. */
const DRAWN = [
  "parallel_trends",
  "event_study",
  "cell_means",
  "did_from_cell_means",
  "design",
  "timing",
  "n_obs",
  "n_units",
  "n_periods",
  "n_clusters",
  "se",
];

interface CellMean {
  group: string;
  period: string;
  mean: number | null;
  n: number;
}

function cellMeans(d: unknown): CellMean[] | null {
  if (!isObject(d) || !Array.isArray(d.cell_means)) return null;
  const out = d.cell_means.filter(
    (c): c is CellMean => isObject(c) && typeof c.group === "string" && typeof c.period === "string",
  );
  return out.length ? out : null;
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

function describeTest(t: PretrendTest): string {
  const df = t.df.map((x) => (Number.isInteger(x) ? String(x) : formatNumber(x))).join(", ");
  const name =
    t.kind === "F" ? `F(${df})` : t.kind === "chi2" ? `χ²(${df})` : `statistic${df ? ` (df ${df})` : ""}`;
  return `${name} = ${formatNumber(t.statistic)}, p = ${formatP(t.p_value)}`;
}

/** The common treatment start (events source); the marker is only drawn when it is a period label. */
function treatmentStart(params: Record<string, unknown>): string | null {
  const t = params.treatment;
  return isObject(t) && typeof t.start === "string" ? t.start : null;
}

export default function DidResultView({ envelope }: ModelResultViewProps) {
  const d = envelope.diagnostics;
  const alpha = alphaOf(envelope.params);
  const confidence = formatPercent(1 - alpha);
  const trends = parallelTrends(d);
  const es = eventStudy(d, envelope.estimates);
  const cells = cellMeans(d);
  const se = isObject(d.se) ? d.se : null;
  const facts: Array<[string, string]> = [];
  const design = str(d.design);
  if (design) facts.push(["Design", design === "twfe" ? "two-way fixed effects (TWFE)" : "2×2"]);
  const timing = str(d.timing);
  if (timing) facts.push(["Adoption", timing === "common" ? "common start" : timing]);
  for (const [k, label] of [
    ["n_units", "Units"],
    ["n_periods", "Periods"],
    ["n_clusters", "Clusters"],
    ["n_obs", "Observations"],
  ] as const) {
    const v = num(d[k]);
    if (v !== null) facts.push([label, formatCount(v)]);
  }
  if (se && str(se.type)) {
    const cluster = str(se.cluster);
    facts.push([
      "Standard errors",
      `${String(se.type).toUpperCase()}${cluster ? ` clustered by ${cluster}` : ""}`,
    ]);
  }
  const byCells = num(d.did_from_cell_means);
  if (byCells !== null) facts.push(["DiD of cell means", formatNumber(byCells)]);

  return (
    <section aria-labelledby="diagnostics-h" className="card" data-testid="did-diagnostics">
      <h2 id="diagnostics-h">Diagnostics</h2>
      <FactsList facts={facts} />

      {trends ? (
        <>
          <h3>Treated vs control</h3>
          <TrendsChart points={trends} treatmentStart={treatmentStart(envelope.params)} />
        </>
      ) : null}

      {cells ? (
        <>
          <h3>Mean outcome by group and period</h3>
          <div className="table-scroll">
            <table className="table table--compact">
              <caption className="visually-hidden">
                Mean outcome of treated and control units before and after
              </caption>
              <thead>
                <tr>
                  <th scope="col">Group</th>
                  <th scope="col" className="num">
                    Before
                  </th>
                  <th scope="col" className="num">
                    After
                  </th>
                  <th scope="col" className="num">
                    Change
                  </th>
                </tr>
              </thead>
              <tbody>
                {["treated", "control"].map((g) => {
                  const pre = cells.find((c) => c.group === g && c.period === "pre")?.mean ?? null;
                  const post = cells.find((c) => c.group === g && c.period === "post")?.mean ?? null;
                  return (
                    <tr key={g}>
                      <th scope="row">{g === "treated" ? "Treated" : "Control"}</th>
                      <td className="num">{formatNumber(pre)}</td>
                      <td className="num">{formatNumber(post)}</td>
                      <td className="num">
                        {pre !== null && post !== null ? formatNumber(post - pre) : "—"}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      ) : null}

      {es ? (
        <>
          <h3>Event study</h3>
          {es.pretrend_test ? (
            <p data-testid="pretrend">
              Pre-trend test ({describeTest(es.pretrend_test)}).{" "}
              {es.pretrend_test.p_value < alpha
                ? "The groups were already diverging before treatment, so treat the estimate with caution."
                : "No evidence that the groups were diverging before treatment."}
            </p>
          ) : null}
          {es.coefficients.length ? (
            <EventStudyChart coefficients={es.coefficients} confidence={confidence} />
          ) : null}
        </>
      ) : null}

      <details className="diag-more">
        <summary>All diagnostics</summary>
        <DiagnosticsList diagnostics={d} exclude={DRAWN.filter((k) => k !== "se")} />
      </details>
    </section>
  );
}
