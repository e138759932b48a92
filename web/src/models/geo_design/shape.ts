/** Shape guards for the `geo_design` diagnostics. */
import { isObject } from "../../core/jsonschema";

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export interface RankedSet {
  rank: number;
  markets: string[];
  power: number | null;
  mde: number | null;
  scaled_pre_rmspe: number | null;
  cost: number | null;
  power_curve: { effect: number; power: number }[];
}

export function ranked(d: Record<string, unknown>): RankedSet[] | null {
  if (!Array.isArray(d.ranked)) return null;
  const out: RankedSet[] = [];
  d.ranked.forEach((r, i) => {
    if (!isObject(r) || !Array.isArray(r.markets) || !r.markets.every((m) => typeof m === "string")) return;
    const curve = Array.isArray(r.power_curve)
      ? r.power_curve.flatMap((p) =>
          isObject(p) && num(p.effect) !== null && num(p.power) !== null
            ? [{ effect: p.effect as number, power: p.power as number }]
            : [],
        )
      : [];
    out.push({
      rank: num(r.rank) ?? i + 1,
      markets: r.markets as string[],
      power: num(r.power),
      mde: num(r.mde),
      scaled_pre_rmspe: num(r.scaled_pre_rmspe),
      cost: num(r.cost),
      power_curve: curve,
    });
  });
  return out;
}

export { num };
