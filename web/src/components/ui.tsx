import type { JobStatus } from "@cfap/contracts";
import type { ReactNode } from "react";

const STATUS_TEXT: Record<string, string> = {
  queued: "Queued",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
  processing: "Processing",
};

export function StatusBadge({ status }: { status: JobStatus | string }) {
  return <span className={`badge badge--${status}`}>{STATUS_TEXT[status] ?? status}</span>;
}

/** A progress bar with an accessible name and value; indeterminate when `value` is null. */
export function ProgressBar({ value, label }: { value: number | null; label: string }) {
  const pct = value === null ? null : Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div
      className={`progress${pct === null ? " progress--indeterminate" : ""}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct ?? undefined}
    >
      <div className="progress__bar" style={{ width: pct === null ? undefined : `${pct}%` }} />
    </div>
  );
}

export function Skeleton({ lines = 3, label = "Loading" }: { lines?: number; label?: string }) {
  return (
    <div className="skeleton" role="status" aria-live="polite" aria-label={label}>
      {Array.from({ length: lines }, (_, i) => (
        <div className="skeleton__line" key={i} style={{ width: `${90 - ((i * 17) % 40)}%` }} />
      ))}
      <span className="visually-hidden">{label}…</span>
    </div>
  );
}

export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="empty">
      <h3>{title}</h3>
      {children ? <div className="muted">{children}</div> : null}
      {action ? <div className="empty__action">{action}</div> : null}
    </div>
  );
}

export function ErrorState({
  title = "Something went wrong",
  error,
  onRetry,
  children,
}: {
  title?: string;
  error?: unknown;
  onRetry?: () => void;
  children?: ReactNode;
}) {
  const message = error instanceof Error ? error.message : error ? String(error) : null;
  return (
    <div className="alert alert--error" role="alert">
      <p>
        <strong>{title}</strong>
        {message ? ` — ${message}` : null}
      </p>
      {children}
      {onRetry ? (
        <button type="button" className="btn btn--small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  return (
    <button
      type="button"
      className="btn btn--small"
      onClick={async (e) => {
        const btn = e.currentTarget;
        try {
          await navigator.clipboard.writeText(text);
          btn.textContent = "Copied";
        } catch {
          btn.textContent = "Copy failed — select the text";
        }
        setTimeout(() => {
          btn.textContent = label;
        }, 2000);
      }}
    >
      {label}
    </button>
  );
}
