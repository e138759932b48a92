import type { Estimate, ResultEnvelope } from "@cfap/contracts";
import { estimatesToCsv, downloadText } from "../core/csv";
import { formatDateTime, formatNumber, formatP, formatPercent, formatSigned } from "../core/format";
import { alphaOf, significanceSentence, verdict } from "../core/significance";
import { ForestPlot } from "./charts/ForestPlot";
import { ModelResultSection } from "./ModelResultSection";

export interface ResultViewProps {
  envelope: ResultEnvelope;
  /** The headline term (the job summary's); the first estimate otherwise. */
  headlineTerm?: string | null;
}

export function headline(envelope: ResultEnvelope, term?: string | null): Estimate | undefined {
  return (
    envelope.estimates.find((e) => e.term === term) ??
    envelope.estimates.find((e) => e.term === "att") ??
    envelope.estimates[0]
  );
}

const formatBytes = (n: number) =>
  n >= 1e9
    ? `${(n / 1e9).toFixed(1)} GB`
    : n >= 1e6
      ? `${(n / 1e6).toFixed(1)} MB`
      : n >= 1e3
        ? `${(n / 1e3).toFixed(1)} kB`
        : `${n} B`;

/**
 * A succeeded run's result: headline in words, exports, warnings, the estimates (forest plot and table),
 * then the model's own diagnostics view (see src/models/README.md), then provenance.
 */
export function ResultView({ envelope, headlineTerm }: ResultViewProps) {
  const alpha = alphaOf(envelope.params);
  const confidence = formatPercent(1 - alpha);
  const main = headline(envelope, headlineTerm);
  const base = `${envelope.model}-${envelope.job_id}`;

  return (
    <div className="result">
      <section aria-labelledby="headline-h" className="card">
        <h2 id="headline-h">Result</h2>
        {main ? (
          <p className={`headline headline--${verdict(main, alpha)}`} data-testid="significance">
            {significanceSentence(main, alpha)}
          </p>
        ) : (
          <p className="muted">This run produced no estimates.</p>
        )}
        <p className="muted small">
          {envelope.model} v{envelope.model_version} · {envelope.n_obs.toLocaleString("en-US")} observations ·
          term “{main?.term ?? "—"}”
        </p>
        <div className="button-row">
          <button
            type="button"
            className="btn"
            onClick={() =>
              downloadText(
                `${base}-estimates.csv`,
                estimatesToCsv(envelope.estimates),
                "text/csv;charset=utf-8",
              )
            }
          >
            Export estimates (CSV)
          </button>
          <button
            type="button"
            className="btn"
            onClick={() =>
              downloadText(
                `${base}-result.json`,
                JSON.stringify(envelope, null, 2) + "\n",
                "application/json",
              )
            }
          >
            Export result (JSON)
          </button>
        </div>
      </section>

      {envelope.warnings.length ? (
        <section aria-labelledby="warnings-h" className="card card--warning">
          <h2 id="warnings-h">Warnings</h2>
          <ul>
            {envelope.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </section>
      ) : null}

      {envelope.estimates.length ? (
        <section aria-labelledby="estimates-h" className="card">
          <h2 id="estimates-h">Estimates</h2>
          <ForestPlot estimates={envelope.estimates} confidence={confidence} />
          <div className="table-scroll">
            <table className="table">
              <caption className="visually-hidden">Estimates with {confidence} confidence intervals</caption>
              <thead>
                <tr>
                  <th scope="col">Term</th>
                  <th scope="col" className="num">
                    Estimate
                  </th>
                  <th scope="col" className="num hide-sm">
                    Std. error
                  </th>
                  <th scope="col" className="num">
                    {confidence} CI
                  </th>
                  <th scope="col" className="num">
                    p-value
                  </th>
                  <th scope="col">Significant?</th>
                </tr>
              </thead>
              <tbody>
                {envelope.estimates.map((e) => {
                  const v = verdict(e, alpha);
                  return (
                    <tr key={e.term}>
                      <th scope="row">{e.term}</th>
                      <td className="num">{formatSigned(e.estimate)}</td>
                      <td className="num hide-sm">{formatNumber(e.std_error)}</td>
                      <td className="num nowrap">
                        {e.ci_low !== null && e.ci_high !== null
                          ? `${formatNumber(e.ci_low)} to ${formatNumber(e.ci_high)}`
                          : "—"}
                      </td>
                      <td className="num">{formatP(e.p_value)}</td>
                      <td>{v === "significant" ? "Yes" : v === "not_significant" ? "No" : "—"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      {/* The model's own view (src/models/<model>/ResultView.tsx), or the generic diagnostics. */}
      <ModelResultSection envelope={envelope} />

      <section aria-labelledby="repro-h" className="card">
        <h2 id="repro-h">Reproducibility</h2>
        <dl className="kv">
          <div>
            <dt>Model</dt>
            <dd>
              {envelope.model} v{envelope.model_version}
            </dd>
          </div>
          <div>
            <dt>Job</dt>
            <dd>
              <code>{envelope.job_id}</code>
            </dd>
          </div>
          <div>
            <dt>Computed</dt>
            <dd>{formatDateTime(envelope.created_at)}</dd>
          </div>
          <div>
            <dt>Warehouse</dt>
            <dd>{envelope.data_snapshot.warehouse}</dd>
          </div>
          <div>
            <dt>Data as of</dt>
            <dd>
              {envelope.data_snapshot.max_ingested_at
                ? formatDateTime(envelope.data_snapshot.max_ingested_at)
                : "—"}
            </dd>
          </div>
          <div>
            <dt>Rows read</dt>
            <dd>
              {Object.entries(envelope.data_snapshot.row_counts)
                .map(([t, n]) => `${t}: ${n.toLocaleString("en-US")}`)
                .join(", ") || "—"}
            </dd>
          </div>
          <div>
            <dt>Bytes queried</dt>
            <dd>{formatBytes(envelope.data_snapshot.query_bytes)}</dd>
          </div>
        </dl>
        <details>
          <summary>Parameters</summary>
          <pre className="code">{JSON.stringify(envelope.params, null, 2)}</pre>
        </details>
      </section>
    </div>
  );
}
