/**
 * BigQuery job labels. Keys and values may hold lowercase letters, digits, `_` and `-`, at most
 * 63 characters; keys must start with a letter. Every CFAP job carries `app=cfap` and `query=<label>`
 * so billing exports and INFORMATION_SCHEMA.JOBS can be grouped by query builder (and workspace).
 */
const MAX_LABEL_LENGTH = 63;
const MAX_LABELS = 64;

/** Lowercases and replaces anything outside [a-z0-9_-] with `_`; trims to 63 characters. */
export function sanitizeLabelValue(value: string): string {
  const cleaned = value
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, MAX_LABEL_LENGTH);
  return cleaned === "" ? "unnamed" : cleaned;
}

export function sanitizeLabelKey(key: string): string {
  const value = sanitizeLabelValue(key);
  return /^[a-z]/.test(value) ? value : `l_${value}`.slice(0, MAX_LABEL_LENGTH);
}

/** The labels of one job: caller labels first, then `app` and `query` (which callers cannot override). */
export function jobLabels(queryLabel: string, extra: Record<string, string> = {}): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(extra)) {
    if (Object.keys(labels).length >= MAX_LABELS - 2) break;
    labels[sanitizeLabelKey(k)] = sanitizeLabelValue(v);
  }
  labels.app = "cfap";
  labels.query = sanitizeLabelValue(queryLabel);
  return labels;
}
