/**
 * The warehouse side of runs: result envelopes ↔ `lift_analysis_results` rows, the `job_status` mirror,
 * and the read-only reporting queries behind `GET /v1/results`. Queries are parameterised and written
 * once with the Warehouse dialect helpers (DuckDB and BigQuery).
 */
import type { Job } from "../contracts/job";
import { resultEnvelopeSchema, type Estimate, type ResultEnvelope } from "../contracts/result";
import type { Row, SqlQuery, SqlValue, Warehouse } from "../warehouse/warehouse";

const CORE_ESTIMATE_FIELDS = ["term", "estimate", "std_error", "ci_low", "ci_high", "p_value", "df"] as const;

/**
 * The canonical envelope: estimates carry the core fields in a fixed order (df always present, null when
 * unknown) followed by model-specific extras; everything is plain JSON. The worker stores this form and
 * the readers rebuild exactly it, so the CLI, the API and the warehouse show the same envelope.
 */
export function canonicalEnvelope(envelope: ResultEnvelope): ResultEnvelope {
  const plain = JSON.parse(JSON.stringify(envelope)) as ResultEnvelope;
  return { ...plain, estimates: plain.estimates.map(canonicalEstimate) };
}

function canonicalEstimate(e: Estimate): Estimate {
  const extras: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (!(CORE_ESTIMATE_FIELDS as readonly string[]).includes(k) && v !== undefined) extras[k] = v;
  }
  return {
    term: e.term,
    estimate: e.estimate,
    std_error: e.std_error ?? null,
    ci_low: e.ci_low ?? null,
    ci_high: e.ci_high ?? null,
    p_value: e.p_value ?? null,
    df: e.df ?? null,
    ...extras,
  };
}

export function resultRow(envelope: ResultEnvelope, campaign: string | null): Row {
  const e = canonicalEnvelope(envelope);
  return {
    workspace_id: e.workspace_id,
    job_id: e.job_id,
    model: e.model,
    model_version: e.model_version,
    campaign,
    params: JSON.stringify(e.params),
    estimates: e.estimates.map((est) => {
      const { term, estimate, std_error, ci_low, ci_high, p_value, df, ...extra } = est;
      return {
        term,
        estimate,
        std_error,
        ci_low,
        ci_high,
        p_value,
        df: df ?? null,
        // An object, not JSON text: inside a RECORD, adapters serialise the whole record (text would be
        // stored as a JSON string value).
        extra: Object.keys(extra).length > 0 ? extra : null,
      };
    }),
    diagnostics: JSON.stringify(e.diagnostics),
    n_obs: e.n_obs,
    warnings: e.warnings,
    data_snapshot: JSON.stringify(e.data_snapshot),
    created_at: e.created_at,
  };
}

function json(value: unknown, fallback: unknown): unknown {
  let v = value;
  // JSON text, possibly nested once more (a JSON string holding JSON text).
  for (let i = 0; i < 2 && typeof v === "string"; i++) {
    try {
      v = JSON.parse(v);
    } catch {
      return fallback;
    }
  }
  return v === null || v === undefined ? fallback : v;
}

function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isNaN(n) ? null : n;
}

function iso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === "object" && "value" in value)
    return new Date(String((value as { value: unknown }).value)).toISOString();
  return new Date(String(value)).toISOString();
}

/** Rebuilds the envelope from a stored row (DuckDB or BigQuery encodings). Throws if the row is not one. */
export function envelopeFromRow(row: Row): ResultEnvelope {
  const estimates = ((row.estimates as Row[] | null) ?? []).map((e) => {
    const extra = json(e.extra, {}) as Record<string, unknown>;
    return {
      term: String(e.term),
      estimate: num(e.estimate) as number,
      std_error: num(e.std_error),
      ci_low: num(e.ci_low),
      ci_high: num(e.ci_high),
      p_value: num(e.p_value),
      df: num(e.df),
      ...extra,
    };
  });
  return resultEnvelopeSchema.parse({
    job_id: String(row.job_id),
    workspace_id: String(row.workspace_id),
    model: String(row.model),
    model_version: String(row.model_version),
    params: json(row.params, {}),
    estimates,
    diagnostics: json(row.diagnostics, {}),
    n_obs: num(row.n_obs),
    warnings: ((row.warnings as unknown[] | null) ?? []).map(String),
    data_snapshot: json(row.data_snapshot, {}),
    created_at: iso(row.created_at),
  });
}

export interface ResultFilter {
  workspaceId: string;
  model?: string;
  campaign?: string;
  since?: Date;
  until?: Date;
  jobId?: string;
  limit: number;
}

export function resultsQuery(warehouse: Pick<Warehouse, "dialect">, f: ResultFilter): SqlQuery {
  const d = warehouse.dialect;
  const params: Record<string, SqlValue> = { workspace_id: f.workspaceId };
  const where = [`workspace_id = ${d.param("workspace_id")}`];
  const add = (column: string, name: string, value: SqlValue | undefined, op = "=") => {
    if (value === undefined) return;
    params[name] = value;
    where.push(`${column} ${op} ${d.param(name)}`);
  };
  add("model", "model", f.model);
  add("campaign", "campaign", f.campaign);
  add("job_id", "job_id", f.jobId);
  add("created_at", "since", f.since, ">=");
  add("created_at", "until", f.until, "<");
  const limit = Math.max(1, Math.min(1000, Math.trunc(f.limit)));
  return {
    sql:
      `SELECT workspace_id, job_id, model, model_version, campaign, params, estimates, diagnostics, n_obs, warnings, ` +
      `data_snapshot, created_at FROM ${d.table("lift_analysis_results")} WHERE ${where.join(" AND ")} ` +
      `ORDER BY created_at DESC, job_id LIMIT ${limit}`,
    params,
    label: "runs_results",
    labels: { workspace: f.workspaceId },
  };
}

export async function readResults(
  warehouse: Pick<Warehouse, "dialect" | "query">,
  f: ResultFilter,
): Promise<ResultEnvelope[]> {
  const { rows } = await warehouse.query(resultsQuery(warehouse, f));
  return rows.map(envelopeFromRow);
}

export async function readResult(
  warehouse: Pick<Warehouse, "dialect" | "query">,
  workspaceId: string,
  jobId: string,
): Promise<ResultEnvelope | null> {
  return (await readResults(warehouse, { workspaceId, jobId, limit: 1 }))[0] ?? null;
}

/** Jobs by their latest status (from the `job_status` mirror), for a health view. */
export async function statusCounts(
  warehouse: Pick<Warehouse, "dialect" | "query">,
  workspaceId: string,
  since: Date | undefined,
  model: string | undefined,
): Promise<Record<Job["status"], number>> {
  const d = warehouse.dialect;
  const params: Record<string, SqlValue> = { workspace_id: workspaceId };
  const where = [`workspace_id = ${d.param("workspace_id")}`];
  if (since) {
    params.since = since;
    where.push(`created_at >= ${d.param("since")}`);
  }
  if (model) {
    params.model = model;
    where.push(`model = ${d.param("model")}`);
  }
  const rank = `CASE status WHEN 'queued' THEN 0 WHEN 'running' THEN 1 ELSE 2 END`;
  const { rows } = await warehouse.query<{ status: string; n: number }>({
    sql:
      `SELECT status, COUNT(*) AS n FROM (SELECT job_id, status, ROW_NUMBER() OVER (PARTITION BY job_id ` +
      `ORDER BY ${rank} DESC, attempt DESC, updated_at DESC) AS rn FROM ${d.table("job_status")} ` +
      `WHERE ${where.join(" AND ")}) AS latest WHERE rn = 1 GROUP BY status`,
    params,
    label: "runs_status_counts",
    labels: { workspace: workspaceId },
  });
  const counts: Record<Job["status"], number> = {
    queued: 0,
    running: 0,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
  };
  for (const r of rows) if (r.status in counts) counts[r.status as Job["status"]] = Number(r.n);
  return counts;
}

/** The `job_status` mirror row of a job's current state (keyed by workspace, job, status, attempt). */
export function jobStatusRow(job: Job): Row {
  return {
    workspace_id: job.workspace_id,
    job_id: job.job_id,
    model: job.model,
    model_version: job.model_version,
    status: job.status,
    stage: job.stage,
    attempt: job.attempt,
    error_code: job.error?.code ?? null,
    error_message: job.error?.message ?? null,
    requested_by: job.requested_by,
    created_at: job.created_at,
    updated_at: job.updated_at,
  };
}

export async function mirrorStatus(warehouse: Pick<Warehouse, "insert">, job: Job): Promise<void> {
  await warehouse.insert("job_status", [jobStatusRow(job)]);
}
