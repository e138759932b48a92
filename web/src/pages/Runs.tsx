import type { Job } from "@cfap/contracts";
import { collection, limit, orderBy, query } from "firebase/firestore";
import { useMemo, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ACTIVE, RunList, type JobRow } from "../components/RunList";
import { EmptyState, ErrorState, Skeleton } from "../components/ui";
import { errorMessage } from "../core/api";
import { firebase } from "../core/firebase";
import { useLiveQuery } from "../core/firestore-hooks";
import { newIdempotencyKey, useNow, useWorkspaceId } from "../core/hooks";
import { useSession } from "../core/session";

const STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;

/** Shared by the list and the detail page: cancel a run, or start it again with the same params. */
export function useRunActions(workspaceId: string) {
  const { api } = useSession();
  const navigate = useNavigate();
  const [busy, setBusy] = useState<Set<string>>(() => new Set());
  const [actionError, setActionError] = useState<string | null>(null);
  const track = async (id: string, fn: () => Promise<void>) => {
    setBusy((b) => new Set(b).add(id));
    setActionError(null);
    try {
      await fn();
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setBusy((b) => {
        const n = new Set(b);
        n.delete(id);
        return n;
      });
    }
  };
  return {
    busy,
    actionError,
    clearError: () => setActionError(null),
    cancel: (job: Job) => track(job.job_id, async () => void (await api.cancel(workspaceId, job.job_id))),
    rerun: (job: Job) =>
      track(job.job_id, async () => {
        const created = await api.runAnalysis({
          workspace_id: workspaceId,
          model_name: job.model,
          params: job.params,
          idempotency_key: newIdempotencyKey(),
        });
        navigate(`/w/${workspaceId}/runs/${encodeURIComponent(created.job_id)}`, { state: { job: created } });
      }),
  };
}

export function RunsPage() {
  const workspaceId = useWorkspaceId();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const model = params.get("model") ?? "";
  const status = params.get("status") ?? "";
  const { db } = firebase();
  const q = useMemo(
    () => query(collection(db, "workspaces", workspaceId, "jobs"), orderBy("created_at", "desc"), limit(200)),
    [db, workspaceId],
  );
  const jobs = useLiveQuery<JobRow>(q);
  const anyActive = jobs.data?.some((j) => ACTIVE.includes(j.status)) ?? false;
  const now = useNow(anyActive);
  const actions = useRunActions(workspaceId);

  const models = useMemo(() => [...new Set((jobs.data ?? []).map((j) => j.model))].sort(), [jobs.data]);
  const visible = (jobs.data ?? []).filter(
    (j) => (!model || j.model === model) && (!status || j.status === status),
  );

  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  return (
    <div className="page">
      <div className="page__head">
        <h1>Runs</h1>
        <Link className="btn btn--primary" to={`/w/${workspaceId}/new`}>
          New analysis
        </Link>
      </div>
      <div className="filters" role="group" aria-label="Filter runs">
        <div className="field field--inline">
          <label htmlFor="filter-model">Model</label>
          <select id="filter-model" value={model} onChange={(e) => setFilter("model", e.target.value)}>
            <option value="">All models</option>
            {models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--inline">
          <label htmlFor="filter-status">Status</label>
          <select id="filter-status" value={status} onChange={(e) => setFilter("status", e.target.value)}>
            <option value="">All statuses</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        {model || status ? (
          <button
            type="button"
            className="btn btn--small btn--ghost"
            onClick={() => setParams(new URLSearchParams(), { replace: true })}
          >
            Clear filters
          </button>
        ) : null}
        <span className="muted small" aria-live="polite">
          {jobs.data ? `${visible.length} of ${jobs.data.length} runs` : ""}
        </span>
      </div>
      {actions.actionError ? (
        <ErrorState title="That did not work" error={actions.actionError}>
          <button type="button" className="btn btn--small btn--ghost" onClick={actions.clearError}>
            Dismiss
          </button>
        </ErrorState>
      ) : null}
      {jobs.loading ? (
        <Skeleton lines={6} label="Loading runs" />
      ) : jobs.error ? (
        <ErrorState title="Could not load runs" error={jobs.error} onRetry={() => location.reload()} />
      ) : jobs.data && jobs.data.length === 0 ? (
        <EmptyState
          title="No analyses yet"
          action={
            <Link className="btn btn--primary" to={`/w/${workspaceId}/new`}>
              Start your first analysis
            </Link>
          }
        >
          Pick a model, fill in its parameters, and the run shows up here live.
        </EmptyState>
      ) : (
        <RunList
          jobs={visible}
          workspaceId={workspaceId}
          me={user ? { uid: user.uid, email: user.email } : null}
          now={now}
          busy={actions.busy}
          onCancel={actions.cancel}
          onRerun={actions.rerun}
        />
      )}
    </div>
  );
}
