/**
 * Sequential monitoring on top of a comparison: the always-valid confidence sequence (at this
 * look, and over the looks of the `t` column / exposure days) or the group-sequential boundary.
 */
import {
  confidenceSequence,
  groupSequentialBoundaries,
  mixtureRho2,
  normalTwoSidedP,
} from "../../stats/experiments";
import type { AbParams } from "./params";
import type { Comparison } from "./compare";

export type SequentialParams = NonNullable<AbParams["sequential"]>;

export interface SequentialFields {
  ci_low: number;
  ci_high: number;
  p_value: number;
  extra: Record<string, unknown>;
}

/** Replaces the fixed-horizon interval and p-value by the sequential ones. */
export function sequentialFields(
  seq: SequentialParams,
  cmp: Comparison,
  units: number,
  alpha: number,
  rho2: number,
): SequentialFields {
  if (seq.method === "confidence_sequence") {
    const cs = confidenceSequence(cmp.estimate, cmp.std_error, units, alpha, rho2);
    const rel = cmp.relative
      ? {
          relative_ci_low: cmp.relative.estimate - cs.multiplier * cmp.relative.std_error,
          relative_ci_high: cmp.relative.estimate + cs.multiplier * cmp.relative.std_error,
        }
      : {};
    return {
      ci_low: cs.ci_low,
      ci_high: cs.ci_high,
      p_value: cs.p_value,
      extra: {
        interval: "confidence_sequence",
        fixed_horizon_ci_low: cmp.ci_low,
        fixed_horizon_ci_high: cmp.ci_high,
        fixed_horizon_p_value: cmp.p_value,
        ...rel,
      },
    };
  }
  const fractions =
    seq.information_fractions ?? Array.from({ length: seq.looks }, (_, k) => (k + 1) / seq.looks);
  const bounds = groupSequentialBoundaries(fractions.slice(0, seq.look), alpha);
  const here = bounds[bounds.length - 1];
  const z = cmp.estimate / cmp.std_error;
  return {
    ci_low: cmp.ci_low,
    ci_high: cmp.ci_high,
    p_value: cmp.p_value,
    extra: {
      group_sequential: {
        look: seq.look,
        looks: seq.looks,
        z,
        boundary: here.boundary,
        nominal_alpha: here.nominal_alpha,
        alpha_spent: here.alpha_spent,
        reject: Math.abs(z) >= here.boundary,
        z_p_value: normalTwoSidedP(z),
      },
    },
  };
}

export function csRho2(seq: SequentialParams | undefined, alpha: number, units: number): number {
  const planned = seq?.method === "confidence_sequence" ? seq.planned_units : undefined;
  return mixtureRho2(alpha, planned ?? units);
}
