import type { Job, JobStatus } from "@cfap/contracts";
import { Link } from "react-router";
import { formatDateTime, formatDuration, formatNumber, formatSigned, runDuration } from "../core/format";
import { EmptyState, ProgressBar, StatusBadge } from "./ui";

export type JobRow = Job & { id?: string };

export const ACTIVE: readonly JobStatus[] = ["queued", "running"];

/** Who started a run, as people read it: "you", an email, or "API key abc123". */
export function startedBy(
  requestedBy: string | null,
  me?: { uid: string; email: string | null } | null,
): string {
  if (!requestedBy) return "—";
  if (me && (requestedBy === me.uid || (me.email && requestedBy === me.email))) return "You";
  if (requestedBy.startsWith("api_key:"))
    return `API key ${requestedBy.slice("api_key:".length, "api_key:".length + 8)}`;
  return requestedBy;
}

export interface RunListProps {
  jobs: JobRow[];
  workspaceId: string;
  me?: { uid: string; email: string | null } | null;
  now?: number;
  onCancel?(job: JobRow): void;
  onRerun?(job: JobRow): void;
  /** Job ids with a cancel or re-run request in flight. */
  busy?: ReadonlySet<string>;
}

/** The runs table (cards on a phone): status, stage and progress, who, how long, and the typed error. */
export function RunList({ jobs, workspaceId, me, now = Date.now(), onCancel, onRerun, busy }: RunListProps) {
  if (jobs.length === 0) {
    return (
      <EmptyState
        title="No runs match"
        action={
          <Link className="btn btn--primary" to={`/w/${workspaceId}/new`}>
            Start an analysis
          </Link>
        }
      >
        Runs appear here as soon as they are requested, and update live.
      </EmptyState>
    );
  }
  return (
    <table className="table table--cards runs-table">
      <caption className="visually-hidden">Analysis runs, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Run</th>
          <th scope="col">Status</th>
          <th scope="col">Progress</th>
          <th scope="col">Started by</th>
          <th scope="col">Duration</th>
          <th scope="col">Result</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => {
          const id = job.job_id ?? job.id;
          const active = ACTIVE.includes(job.status);
          return (
            <tr key={id} className={`run run--${job.status}`}>
              <td data-label="Run">
                <Link to={`/w/${workspaceId}/runs/${encodeURIComponent(id)}`} className="run__link">
                  {job.model}
                  <span className="muted"> v{job.model_version}</span>
                </Link>
                <div className="muted small">
                  <time dateTime={job.created_at}>{formatDateTime(job.created_at)}</time>
                  {job.attempt > 1 ? ` · attempt ${job.attempt} of ${job.max_attempts}` : null}
                </div>
              </td>
              <td data-label="Status">
                <StatusBadge status={job.status} />
              </td>
              <td data-label="Progress">
                {active ? (
                  <>
                    <ProgressBar
                      value={job.status === "queued" ? null : job.progress}
                      label={`Progress of ${job.model} run`}
                    />
                    <div className="muted small">
                      {job.stage ?? (job.status === "queued" ? "waiting for a worker" : "starting")}
                    </div>
                  </>
                ) : (
                  <span className="muted small">{job.stage ?? "—"}</span>
                )}
              </td>
              <td data-label="Started by">{startedBy(job.requested_by, me)}</td>
              <td data-label="Duration">{formatDuration(runDuration(job, now))}</td>
              <td data-label="Result">
                {job.status === "failed" && job.error ? (
                  <p className="run__error">
                    <code>{job.error.code}</code> {job.error.message}
                  </p>
                ) : job.status === "succeeded" && job.summary ? (
                  <span>
                    {job.summary.term}: <strong>{formatSigned(job.summary.estimate)}</strong>
                    {job.summary.ci_low !== null && job.summary.ci_high !== null ? (
                      <span className="muted">
                        {" "}
                        [{formatNumber(job.summary.ci_low)}, {formatNumber(job.summary.ci_high)}]
                      </span>
                    ) : null}
                  </span>
                ) : job.status === "cancelled" ? (
                  <span className="muted">Cancelled{job.error?.message ? `: ${job.error.message}` : ""}</span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td data-label="Actions" className="actions">
                {active && onCancel ? (
                  <button
                    type="button"
                    className="btn btn--small btn--danger"
                    disabled={busy?.has(id)}
                    onClick={() => onCancel(job)}
                    aria-label={`Cancel ${job.model} run ${id}`}
                  >
                    Cancel
                  </button>
                ) : null}
                {!active && onRerun ? (
                  <button
                    type="button"
                    className="btn btn--small"
                    disabled={busy?.has(id)}
                    onClick={() => onRerun(job)}
                    aria-label={`Re-run ${job.model} run ${id}`}
                  >
                    Re-run
                  </button>
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
