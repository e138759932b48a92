/** Shape guards for the `synth` diagnostics: anything missing or malformed is simply not drawn. */
import { isObject } from "../../core/jsonschema";

export const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
export const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

export interface SeriesPoint {
  period: string;
  treated: number | null;
  synthetic: number | null;
  gap: number | null;
  band: [number, number] | null;
}

export function series(d: Record<string, unknown>): SeriesPoint[] | null {
  if (!Array.isArray(d.series)) return null;
  const out: SeriesPoint[] = [];
  for (const p of d.series) {
    if (!isObject(p) || (typeof p.period !== "string" && typeof p.period !== "number")) continue;
    const lo = num(p.band_low);
    const hi = num(p.band_high);
    out.push({
      period: String(p.period),
      treated: num(p.treated),
      synthetic: num(p.synthetic),
      gap: num(p.gap),
      band: lo !== null && hi !== null ? [lo, hi] : null,
    });
  }
  return out.length ? out : null;
}

export function weights(d: Record<string, unknown>): { donor: string; weight: number }[] | null {
  if (!isObject(d.weights)) return null;
  const out = Object.entries(d.weights)
    .flatMap(([donor, w]) => (num(w) !== null ? [{ donor, weight: w as number }] : []))
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  return out.length ? out : null;
}

export interface Placebo {
  p_value: number | null;
  rank: number | null;
  units: { unit: string; pre_rmspe: number | null; ratio: number | null }[];
  gaps: Record<string, number[]>;
}

export function placebo(d: Record<string, unknown>): Placebo | null {
  const p = d.placebo;
  if (!isObject(p)) return null;
  const gaps: Record<string, number[]> = {};
  if (isObject(p.gaps)) {
    for (const [u, g] of Object.entries(p.gaps)) {
      if (Array.isArray(g) && g.every((x) => typeof x === "number")) gaps[u] = g as number[];
    }
  }
  const units = Array.isArray(p.units)
    ? p.units.flatMap((u) =>
        isObject(u) && typeof u.unit === "string"
          ? [{ unit: u.unit, pre_rmspe: num(u.pre_rmspe), ratio: num(u.ratio) }]
          : [],
      )
    : [];
  return { p_value: num(p.p_value), rank: num(p.rank), units, gaps };
}

export function inference(d: Record<string, unknown>): {
  method: string;
  p_value: number | null;
  rank: number | null;
  n_units: number | null;
  interval: string | null;
} | null {
  const i = d.inference;
  if (!isObject(i) || typeof i.method !== "string") return null;
  return {
    method: i.method,
    p_value: num(i.p_value),
    rank: num(i.rank),
    n_units: num(i.n_units),
    interval: str(i.interval),
  };
}

export function optimizer(
  d: Record<string, unknown>,
): { converged: boolean; kkt: number | null; method: string | null; outer: string | null } | null {
  const o = d.optimizer;
  if (!isObject(o) || typeof o.converged !== "boolean") return null;
  const outer = isObject(o.outer) && typeof o.outer.method === "string" ? o.outer.method : null;
  return { converged: o.converged, kkt: num(o.kkt_residual), method: str(o.method), outer };
}
