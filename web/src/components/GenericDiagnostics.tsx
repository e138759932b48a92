import type { ResultEnvelope } from "@cfap/contracts";
import { scalarDiagnostics, structuredDiagnostics } from "../core/diagnostics";
import { formatCount } from "../core/format";
import { humanize } from "../core/jsonschema";

/**
 * Diagnostics of any model, without model knowledge: numbers and short strings as key/value rows, the
 * rest (objects, lists) as JSON behind a disclosure. The fallback for models without their own view,
 * and the "other diagnostics" block model views can put under their charts (`exclude` what they drew).
 */
export function DiagnosticsList({
  diagnostics,
  exclude = [],
}: {
  diagnostics: ResultEnvelope["diagnostics"];
  exclude?: Iterable<string>;
}) {
  const skip = [...exclude];
  const scalars = scalarDiagnostics(diagnostics, skip);
  const structured = structuredDiagnostics(diagnostics, skip);
  if (!scalars.length && !structured.length) return null;
  return (
    <>
      {scalars.length ? (
        <dl className="kv">
          {scalars.map(([k, v]) => (
            <div key={k}>
              <dt>{humanize(k)}</dt>
              <dd>{typeof v === "number" ? formatCount(v) : String(v)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {structured.map(([k, v]) => (
        <details key={k} className="diag-json">
          <summary>{humanize(k)}</summary>
          <pre className="code">{JSON.stringify(v, null, 2)}</pre>
        </details>
      ))}
    </>
  );
}

/** The generic view: a "Diagnostics" card, or nothing when the model reported none. */
export function GenericResultView({ envelope }: { envelope: ResultEnvelope }) {
  const has =
    scalarDiagnostics(envelope.diagnostics).length + structuredDiagnostics(envelope.diagnostics).length;
  if (!has) return null;
  return (
    <section aria-labelledby="diagnostics-h" className="card" data-testid="generic-diagnostics">
      <h2 id="diagnostics-h">Diagnostics</h2>
      <DiagnosticsList diagnostics={envelope.diagnostics} />
    </section>
  );
}
