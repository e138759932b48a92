import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { collection, limit, orderBy, query } from "firebase/firestore";
import { useEffect, useMemo, useRef, useState } from "react";
import { ApiKeys } from "../components/ApiKeys";
import { EventsPerDayChart } from "../components/charts/EventsPerDayChart";
import { EmptyState, ErrorState, ProgressBar, Skeleton, StatusBadge } from "../components/ui";
import { ApiRequestError, errorMessage, type RejectionRow } from "../core/api";
import { firebase } from "../core/firebase";
import { useLiveQuery } from "../core/firestore-hooks";
import { formatCount, formatDateTime } from "../core/format";
import { useWorkspaceId } from "../core/hooks";
import { useSession } from "../core/session";

/** Endpoints that are not deployed yet answer 404: say so instead of showing an error. */
const notYet = (err: unknown) => err instanceof ApiRequestError && err.status === 404;

export function IngestionPage() {
  return (
    <div className="page">
      <div className="page__head">
        <h1>Ingestion health</h1>
      </div>
      <EventsSection />
      <UploadsSection />
      <RejectionsSection />
      <ApiKeysSection />
    </div>
  );
}

function EventsSection() {
  const w = useWorkspaceId();
  const { api } = useSession();
  const [days, setDays] = useState(30);
  const summary = useQuery({
    queryKey: ["events-summary", w, days],
    queryFn: () => api.eventsSummary(w, days),
    refetchInterval: 60_000,
    placeholderData: (prev) => prev,
  });
  return (
    <section className="card" aria-labelledby="events-h">
      <div className="section-head">
        <h2 id="events-h">Events per day</h2>
        <div className="field field--inline">
          <label htmlFor="events-days">Period</label>
          <select id="events-days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            <option value={7}>last 7 days</option>
            <option value={30}>last 30 days</option>
            <option value={90}>last 90 days</option>
          </select>
        </div>
      </div>
      {summary.isPending ? (
        <Skeleton lines={5} label="Loading event counts" />
      ) : summary.isError ? (
        notYet(summary.error) ? (
          <EmptyState title="Event counts are not available yet">
            This API (GET /v1/events/summary) is not deployed in this environment.
          </EmptyState>
        ) : (
          <ErrorState
            title="Could not load event counts"
            error={summary.error}
            onRetry={() => summary.refetch()}
          />
        )
      ) : summary.data.days.length === 0 ? (
        <EmptyState title="No events yet">
          Send events with an API key (below) or upload a CSV/NDJSON file.
        </EmptyState>
      ) : (
        <>
          <p className="muted small">
            {formatCount(summary.data.total)} events
            {summary.data.first_ts ? ` from ${formatDateTime(summary.data.first_ts)}` : ""}
            {summary.data.last_ts ? ` to ${formatDateTime(summary.data.last_ts)}` : ""}
            {summary.data.last_received_at
              ? `; the last one arrived ${formatDateTime(summary.data.last_received_at)}`
              : ""}
            .
          </p>
          <EventsPerDayChart rows={summary.data.days} />
        </>
      )}
    </section>
  );
}

export function RejectionsTable({ rows, pageSize = 25 }: { rows: RejectionRow[]; pageSize?: number }) {
  const [shown, setShown] = useState(pageSize);
  if (!rows.length)
    return <EmptyState title="No rejected rows">Every event that arrived passed validation.</EmptyState>;
  const visible = rows.slice(0, shown);
  return (
    <>
      <p className="muted small" aria-live="polite">
        {visible.length < rows.length
          ? `The newest ${visible.length} of ${rows.length} rejected rows.`
          : `${rows.length} rejected ${rows.length === 1 ? "row" : "rows"}, newest first.`}
      </p>
      <div className="table-scroll">
        <table className="table">
          <caption className="visually-hidden">Rejected rows with reasons</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Source</th>
              <th scope="col" className="num">
                Row
              </th>
              <th scope="col">Field</th>
              <th scope="col">Reason</th>
              <th scope="col">Raw</th>
            </tr>
          </thead>
          <tbody>
            {visible.map((r, i) => (
              <tr key={`${r.rejected_at}-${r.row_index}-${i}`}>
                <td>{formatDateTime(r.rejected_at)}</td>
                <td title={r.source_id}>{r.ingest_path}</td>
                <td className="num">{r.row_index}</td>
                <td>
                  {r.field_path ? <code>{r.field_path}</code> : <span className="muted">whole row</span>}
                </td>
                <td>{r.reason}</td>
                <td className="raw">
                  {r.raw ? (
                    <details>
                      <summary>show</summary>
                      <pre className="code">{r.raw}</pre>
                    </details>
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {visible.length < rows.length ? (
        <button type="button" className="btn btn--small" onClick={() => setShown((n) => n + pageSize)}>
          Show {Math.min(pageSize, rows.length - visible.length)} more
        </button>
      ) : null}
    </>
  );
}

function RejectionsSection() {
  const w = useWorkspaceId();
  const { api } = useSession();
  const rej = useQuery({ queryKey: ["rejections", w], queryFn: () => api.rejections(w) });
  return (
    <section className="card" aria-labelledby="rejections-h">
      <h2 id="rejections-h">Rejected rows</h2>
      {rej.isPending ? (
        <Skeleton lines={4} label="Loading rejected rows" />
      ) : rej.isError ? (
        notYet(rej.error) ? (
          <EmptyState title="Rejected rows are not available yet">
            This API (GET /v1/rejections) is not deployed in this environment.
          </EmptyState>
        ) : (
          <ErrorState title="Could not load rejected rows" error={rej.error} onRetry={() => rej.refetch()} />
        )
      ) : (
        <RejectionsTable rows={rej.data.rows} />
      )}
    </section>
  );
}

interface UploadDoc {
  id: string;
  object_path?: string;
  status: string;
  rows_read?: number;
  rows_accepted?: number;
  rows_rejected?: number;
  bytes_total?: number | null;
  error?: { code: string; message: string } | null;
  report_path?: string | null;
  started_at?: string;
  finished_at?: string | null;
}

/**
 * PUTs a file to the upload URL (a signed URL in production, an upload session on the Storage emulator)
 * with XMLHttpRequest, which — unlike fetch — reports upload progress.
 */
function putFile(
  url: string,
  headers: Record<string, string>,
  file: File,
  onProgress: (share: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300
        ? (onProgress(1), resolve())
        : reject(new Error(`The storage upload answered ${xhr.status} ${xhr.statusText}`.trim()));
    xhr.onerror = () => reject(new Error("Could not reach the storage service to upload the file"));
    xhr.send(file);
  });
}

function UploadsSection() {
  const w = useWorkspaceId();
  const { api } = useSession();
  const { db } = firebase();
  const q = useMemo(
    () => query(collection(db, "workspaces", w, "uploads"), orderBy("started_at", "desc"), limit(50)),
    [db, w],
  );
  const uploads = useLiveQuery<UploadDoc>(q);
  const qc = useQueryClient();
  // When an upload finishes, its accepted events and rejected rows are in the warehouse: refresh both.
  const finished = (uploads.data ?? [])
    .filter((u) => u.status !== "processing")
    .map((u) => `${u.id}:${u.status}`)
    .join(",");
  const seenFinished = useRef<string | null>(null);
  useEffect(() => {
    if (uploads.loading) return;
    const changed = seenFinished.current !== null && seenFinished.current !== finished;
    seenFinished.current = finished;
    if (!changed) return;
    // Accepted events and rejected rows reach the warehouse through the event writer (Pub/Sub), a few
    // seconds after the upload document says it finished: refresh now and a few times more.
    const refresh = () => {
      void qc.invalidateQueries({ queryKey: ["rejections", w] });
      void qc.invalidateQueries({ queryKey: ["events-summary", w] });
    };
    const timers = [0, 2_000, 5_000, 10_000, 20_000].map((ms) => setTimeout(refresh, ms));
    return () => timers.forEach(clearTimeout);
  }, [finished, uploads.loading, qc, w]);
  const fileRef = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);
  const [sent, setSent] = useState<number | null>(null);
  const upload = useMutation({
    mutationFn: async (file: File) => {
      setSent(0);
      const ticket = await api.uploadUrl(w, file.name, file.type || undefined);
      await putFile(ticket.upload_url, ticket.headers, file, setSent);
      return ticket;
    },
    onSuccess: (t) =>
      setMessage({
        kind: "success",
        text: `Uploaded ${t.object_path.split("/").pop()}; it is processed in a moment (see below).`,
      }),
    onError: (err) => setMessage({ kind: "error", text: errorMessage(err) }),
    onSettled: () => {
      setSent(null);
      if (fileRef.current) fileRef.current.value = "";
    },
  });

  return (
    <section className="card" aria-labelledby="uploads-h">
      <div className="section-head">
        <h2 id="uploads-h">File uploads</h2>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            const f = fileRef.current?.files?.[0];
            if (f) upload.mutate(f);
            else
              setMessage({
                kind: "error",
                text: "Choose a .csv, .ndjson or .jsonl file (optionally .gz) first.",
              });
          }}
        >
          <label htmlFor="upload-file" className="visually-hidden">
            File to upload
          </label>
          <input id="upload-file" ref={fileRef} type="file" accept=".csv,.ndjson,.jsonl,.gz" />
          <button type="submit" className="btn btn--small" disabled={upload.isPending}>
            {upload.isPending ? "Uploading…" : "Upload"}
          </button>
        </form>
      </div>
      {upload.isPending && sent !== null ? (
        <div className="upload-progress">
          <ProgressBar value={sent} label="Upload progress" />
          <span className="small muted">Uploading… {Math.round(sent * 100)}%</span>
        </div>
      ) : null}
      {message ? (
        <p className={`alert alert--${message.kind}`} role={message.kind === "error" ? "alert" : "status"}>
          {message.text}
        </p>
      ) : null}
      {uploads.loading ? (
        <Skeleton lines={3} label="Loading uploads" />
      ) : uploads.error ? (
        <ErrorState title="Could not load uploads" error={uploads.error} onRetry={() => location.reload()} />
      ) : !uploads.data?.length ? (
        <EmptyState title="No uploads yet">
          Upload a file above, or drop one in the workspace's bucket folder.
        </EmptyState>
      ) : (
        <ul className="uploads">
          {uploads.data.map((u) => (
            <li key={u.id} className="upload">
              <div className="upload__head">
                <span className="upload__name">{(u.object_path ?? u.id).split("/").pop()}</span>
                <StatusBadge status={u.status} />
              </div>
              {u.status === "processing" ? <ProgressBar value={null} label={`Processing ${u.id}`} /> : null}
              <p className="small">
                {formatCount(u.rows_read ?? 0)} rows read · {formatCount(u.rows_accepted ?? 0)} accepted ·{" "}
                <span className={u.rows_rejected ? "text-danger" : undefined}>
                  {formatCount(u.rows_rejected ?? 0)} rejected
                </span>
                {u.started_at ? <span className="muted"> · {formatDateTime(u.started_at)}</span> : null}
              </p>
              {u.error ? (
                <p className="field-error">
                  <code>{u.error.code}</code> {u.error.message}
                </p>
              ) : null}
              {u.report_path ? (
                <p className="muted small">
                  Rejection report: <code>{u.report_path}</code>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ApiKeysSection() {
  const w = useWorkspaceId();
  const { api } = useSession();
  const qc = useQueryClient();
  const keys = useQuery({ queryKey: ["api-keys", w], queryFn: () => api.apiKeys(w).then((r) => r.api_keys) });
  const refresh = () => qc.invalidateQueries({ queryKey: ["api-keys", w] });
  return (
    <section className="card" aria-labelledby="keys-h">
      <h2 id="keys-h">API keys</h2>
      {keys.isPending ? (
        <Skeleton lines={3} label="Loading API keys" />
      ) : keys.isError ? (
        <ErrorState title="Could not load API keys" error={keys.error} onRetry={() => keys.refetch()} />
      ) : (
        <ApiKeys
          keys={keys.data}
          onCreate={async (name) => {
            const created = await api.createApiKey(w, name);
            await refresh();
            return created;
          }}
          onRevoke={async (k) => {
            await api.revokeApiKey(w, k.key_id);
            await refresh();
          }}
        />
      )}
    </section>
  );
}
