import type { Estimate } from "@cfap/contracts";

const CORE = ["term", "estimate", "std_error", "ci_low", "ci_high", "p_value", "df"] as const;

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Estimates as CSV: the core columns first, then any model-specific extras (e.g. relative_estimate). */
export function estimatesToCsv(estimates: readonly Estimate[]): string {
  const extras: string[] = [];
  for (const e of estimates) {
    for (const k of Object.keys(e)) {
      if (!(CORE as readonly string[]).includes(k) && !extras.includes(k)) extras.push(k);
    }
  }
  const columns = [...CORE, ...extras];
  const lines = [columns.join(",")];
  for (const e of estimates)
    lines.push(columns.map((c) => cell((e as Record<string, unknown>)[c])).join(","));
  return lines.join("\r\n") + "\r\n";
}

/** Saves text as a file through a Blob URL. */
export function downloadText(filename: string, text: string, type: string): void {
  const blob = new Blob([text], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
