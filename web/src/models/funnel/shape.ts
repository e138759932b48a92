/** Shape guards for the funnel result: one estimate per step, breakdown and progress attribution in diagnostics. */
import type { ResultEnvelope } from "@cfap/contracts";

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export interface Step {
  label: string;
  users: number;
  conversion: number | null;
  fromPrevious: number | null;
  dropOff: number | null;
  medianSeconds: number | null;
}

export function steps(envelope: ResultEnvelope): Step[] {
  return envelope.estimates
    .filter((e) => /^step_\d+$/.test(e.term) && num(e.estimate) !== null)
    .map((e) => ({
      label: typeof e.label === "string" ? e.label : e.term,
      users: e.estimate,
      conversion: num(e.conversion_rate),
      fromPrevious: num(e.step_conversion),
      dropOff: num(e.drop_off),
      medianSeconds: num(e.median_seconds_from_previous),
    }));
}

export interface Breakdown {
  dimension: string;
  rows: { value: string; users: number[] }[];
}

export function breakdown(d: Record<string, unknown>): Breakdown | null {
  const b = d.breakdown;
  if (!isObject(b) || typeof b.dimension !== "string" || !Array.isArray(b.rows)) return null;
  const rows = b.rows
    .filter(
      (r): r is Record<string, unknown> =>
        isObject(r) && typeof r.value === "string" && Array.isArray(r.users),
    )
    .map((r) => ({ value: r.value as string, users: (r.users as unknown[]).map((u) => num(u) ?? 0) }));
  return rows.length ? { dimension: b.dimension, rows } : null;
}

export interface Progress {
  dimension: string;
  steps: { from: string; to: string; progressed: number; channels: { value: string; credit: number }[] }[];
}

export function progress(d: Record<string, unknown>): Progress | null {
  const a = d.attribution;
  if (!isObject(a) || typeof a.dimension !== "string" || !Array.isArray(a.steps)) return null;
  const out = a.steps
    .filter(
      (s): s is Record<string, unknown> =>
        isObject(s) && typeof s.from === "string" && typeof s.to === "string",
    )
    .map((s) => ({
      from: s.from as string,
      to: s.to as string,
      progressed: num(s.progressed) ?? 0,
      channels: Array.isArray(s.channels)
        ? s.channels
            .filter(
              (c): c is Record<string, unknown> =>
                isObject(c) && typeof c.value === "string" && num(c.credit) !== null,
            )
            .map((c) => ({ value: c.value as string, credit: c.credit as number }))
        : [],
    }));
  return out.length ? { dimension: a.dimension, steps: out } : null;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function stepsCsv(s: Step[]): string {
  const lines = ["step,users,conversion_rate,step_conversion,drop_off,median_seconds_from_previous"];
  for (const x of s)
    lines.push(
      [
        cell(x.label),
        x.users,
        cell(x.conversion),
        cell(x.fromPrevious),
        cell(x.dropOff),
        cell(x.medianSeconds),
      ].join(","),
    );
  return lines.join("\r\n") + "\r\n";
}
