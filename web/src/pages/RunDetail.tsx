import { TERMINAL_STATUSES, type Job, type RunErrorCode } from "@cfap/contracts";
import { useQuery } from "@tanstack/react-query";
import { doc } from "firebase/firestore";
import { useMemo } from "react";
import { Link, useLocation, useParams } from "react-router";
import { ResultView } from "../components/ResultView";
import { ErrorState, ProgressBar, Skeleton, StatusBadge } from "../components/ui";
import { startedBy } from "../components/RunList";
import { firebase } from "../core/firebase";
import { useLiveDoc } from "../core/firestore-hooks";
import { formatDateTime, formatDuration, runDuration } from "../core/format";
import { useNow, useWorkspaceId } from "../core/hooks";
import { useSession } from "../core/session";
import { useRunActions } from "./Runs";

export const ERROR_HELP: Record<RunErrorCode, string> = {
  invalid_params: "The parameters do not fit the data or each other. Edit them and run again.",
  insufficient_data: "There was not enough data for this analysis. Widen the date range or check ingestion.",
  warehouse_error: "The warehouse query failed. Re-running often helps; if not, check the ingestion page.",
  numerical_error: "The estimation was numerically unstable (e.g. collinear covariates). Simplify the model.",
  cancelled: "The run was cancelled.",
  timeout: "The run took too long and was stopped. Narrow the date range or the number of units.",
  internal: "An unexpected error in the platform. Re-run; if it keeps failing, report the job id.",
};

export function RunDetailPage() {
  const workspaceId = useWorkspaceId();
  const { jobId = "" } = useParams();
  const location = useLocation();
  const optimistic = (location.state as { job?: Job } | null)?.job;
  const { db } = firebase();
  const { api, user } = useSession();
  const ref = useMemo(() => doc(db, "workspaces", workspaceId, "jobs", jobId), [db, workspaceId, jobId]);
  const live = useLiveDoc<Job>(ref);
  // Until the live document arrives, show the job the API answered with (optimistic).
  const job: Job | null | undefined = live.data ?? (optimistic?.job_id === jobId ? optimistic : live.data);
  const active = !!job && !TERMINAL_STATUSES.includes(job.status);
  const now = useNow(active);
  const actions = useRunActions(workspaceId);

  const results = useQuery({
    queryKey: ["results", workspaceId, jobId],
    queryFn: () => api.results(workspaceId, jobId).then((r) => r.results),
    enabled: job?.status === "succeeded",
    staleTime: Infinity,
    // The result row can land a moment after the status flips; look again for a while before giving up.
    refetchInterval: (q) =>
      q.state.data && q.state.data.length === 0 && q.state.dataUpdateCount < 20 ? 1000 : false,
  });

  if (job === undefined && live.loading) return <Skeleton lines={6} label="Loading run" />;
  if (live.error && !job)
    return (
      <ErrorState
        title="Could not load this run"
        error={live.error}
        onRetry={() => window.location.reload()}
      />
    );
  if (!job) {
    return (
      <ErrorState title="Run not found">
        <p>
          There is no run <code>{jobId}</code> in this workspace.{" "}
          <Link to={`/w/${workspaceId}/runs`}>Back to all runs</Link>
        </p>
      </ErrorState>
    );
  }

  const envelope = results.data?.[0];
  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="breadcrumb small">
        <Link to={`/w/${workspaceId}/runs`}>Runs</Link> › <span>{job.job_id}</span>
      </nav>
      <div className="page__head">
        <h1>
          {job.model} <span className="muted">v{job.model_version}</span>
        </h1>
        <div className="button-row">
          {active ? (
            <button
              type="button"
              className="btn btn--danger"
              disabled={actions.busy.has(job.job_id)}
              onClick={() => actions.cancel(job)}
            >
              Cancel run
            </button>
          ) : (
            <button
              type="button"
              className="btn"
              disabled={actions.busy.has(job.job_id)}
              onClick={() => actions.rerun(job)}
            >
              Re-run
            </button>
          )}
          <Link
            className="btn btn--ghost"
            to={`/w/${workspaceId}/new?model=${encodeURIComponent(job.model)}`}
            state={{ model: job.model, params: job.params }}
          >
            Edit parameters
          </Link>
        </div>
      </div>
      {actions.actionError ? <ErrorState title="That did not work" error={actions.actionError} /> : null}

      <section className="card run-status" aria-labelledby="status-h" aria-live="polite">
        <h2 id="status-h" className="visually-hidden">
          Status
        </h2>
        <div className="run-status__row">
          <StatusBadge status={job.status} />
          <span>{job.stage ?? (job.status === "queued" ? "Waiting for a worker" : "")}</span>
        </div>
        {active ? (
          <ProgressBar value={job.status === "queued" ? null : job.progress} label="Run progress" />
        ) : null}
        <dl className="kv kv--inline small">
          <div>
            <dt>Started by</dt>
            <dd>{startedBy(job.requested_by, user ? { uid: user.uid, email: user.email } : null)}</dd>
          </div>
          <div>
            <dt>Requested</dt>
            <dd>{formatDateTime(job.created_at)}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd>{formatDuration(runDuration(job, now))}</dd>
          </div>
          <div>
            <dt>Attempt</dt>
            <dd>
              {job.attempt} of {job.max_attempts}
            </dd>
          </div>
        </dl>
        {job.status === "failed" && job.error ? (
          <div className="alert alert--error" role="alert">
            <p>
              <strong>
                Failed: <code>{job.error.code}</code>
              </strong>{" "}
              — {job.error.message}
            </p>
            <p className="small">{ERROR_HELP[job.error.code] ?? ""}</p>
          </div>
        ) : null}
        {job.status === "cancelled" ? (
          <p className="muted">This run was cancelled{job.error?.message ? `: ${job.error.message}` : "."}</p>
        ) : null}
      </section>

      {job.status === "succeeded" ? (
        results.isPending ? (
          <Skeleton lines={8} label="Loading the result" />
        ) : results.isError ? (
          <ErrorState
            title="Could not load the result"
            error={results.error}
            onRetry={() => results.refetch()}
          />
        ) : envelope ? (
          <ResultView envelope={envelope} headlineTerm={job.summary?.term} />
        ) : (
          <ErrorState title="The result is not available yet" onRetry={() => results.refetch()}>
            <p className="small">
              The run finished but its result was not found; it may still be being written.
            </p>
          </ErrorState>
        )
      ) : null}
      {!active && job.status !== "succeeded" ? (
        <details className="card">
          <summary>Parameters</summary>
          <pre className="code">{JSON.stringify(job.params, null, 2)}</pre>
        </details>
      ) : null}
    </div>
  );
}
