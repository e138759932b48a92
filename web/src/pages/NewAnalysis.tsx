import type { ModelInfo } from "@cfap/contracts";
import { useQuery } from "@tanstack/react-query";
import { useRef } from "react";
import { useLocation, useNavigate, useSearchParams } from "react-router";
import { AnalysisForm } from "../components/AnalysisForm";
import { EmptyState, ErrorState, Skeleton } from "../components/ui";
import type { JSONSchema } from "../core/jsonschema";
import { newIdempotencyKey, useWorkspaceId } from "../core/hooks";
import { useSession } from "../core/session";

export function useModels() {
  const { api } = useSession();
  return useQuery({
    queryKey: ["models"],
    queryFn: () => api.models().then((r) => r.models),
    staleTime: 5 * 60_000,
  });
}

/** Pick a model, fill in the form generated from its params schema, run it, land on the run's page. */
export function NewAnalysisPage() {
  const workspaceId = useWorkspaceId();
  const { api } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const prefill = (location.state ?? null) as { model?: string; params?: Record<string, unknown> } | null;
  const [search, setSearch] = useSearchParams();
  const models = useModels();
  const selectedName = search.get("model") ?? prefill?.model ?? models.data?.[0]?.name ?? "";
  const selected: ModelInfo | undefined = models.data?.find((m) => m.name === selectedName);
  const idem = useRef<{ fingerprint: string; key: string } | null>(null);

  return (
    <div className="page">
      <div className="page__head">
        <h1>New analysis</h1>
      </div>
      {models.isPending ? (
        <Skeleton lines={5} label="Loading models" />
      ) : models.isError ? (
        <ErrorState title="Could not load the models" error={models.error} onRetry={() => models.refetch()} />
      ) : !models.data.length ? (
        <EmptyState title="No models are registered">The API returned an empty model registry.</EmptyState>
      ) : (
        <div className="new-analysis">
          <fieldset className="model-picker">
            <legend>Model</legend>
            {models.data.map((m) => (
              <label
                key={m.name}
                className={`model-option${m.name === selectedName ? " model-option--selected" : ""}`}
              >
                <input
                  type="radio"
                  name="model"
                  value={m.name}
                  checked={m.name === selectedName}
                  onChange={() => setSearch({ model: m.name }, { replace: true })}
                />
                <span>
                  <strong>{m.name}</strong> <span className="muted small">v{m.version}</span>
                  <span className="model-option__desc" title={m.description}>
                    {m.description}
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
          {selected ? (
            <section className="card" aria-labelledby="params-h">
              <h2 id="params-h">Parameters for {selected.name}</h2>
              <p className="muted small model-description">{selected.description}</p>
              <AnalysisForm
                key={`${selected.name}@${selected.params_schema_hash}`}
                schema={selected.params_schema as JSONSchema}
                initialValue={prefill?.model === selected.name ? prefill.params : undefined}
                onSubmit={async (params) => {
                  // The same params submitted twice (a double click, a retry after a lost answer) reuse
                  // the key, so the API answers with the first job instead of starting a second one.
                  const fingerprint = JSON.stringify([workspaceId, selected.name, params]);
                  if (idem.current?.fingerprint !== fingerprint) {
                    idem.current = { fingerprint, key: newIdempotencyKey() };
                  }
                  const job = await api.runAnalysis({
                    workspace_id: workspaceId,
                    model_name: selected.name,
                    params,
                    idempotency_key: idem.current.key,
                  });
                  navigate(`/w/${workspaceId}/runs/${encodeURIComponent(job.job_id)}`, { state: { job } });
                }}
              />
            </section>
          ) : (
            <EmptyState title={`No model called “${selectedName}”`}>
              Choose one of the models above.
            </EmptyState>
          )}
        </div>
      )}
    </div>
  );
}
