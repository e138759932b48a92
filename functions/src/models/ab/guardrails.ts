/**
 * Guardrail checks reported in `diagnostics` in plain words: sample-ratio mismatch, pre-exposure
 * bias on the pre-period metric, small samples. Each returns a verdict the dashboard can show.
 */
import { sampleRatioMismatch, summarize, welchTest, type SrmResult } from "../../stats/experiments";
import type { GroupSums } from "./moments";

export interface Verdict {
  check:
    "srm" | "pre_exposure_bias" | "sample_size" | "zero_variance" | "multiple_exposure" | "missing_values";
  status: "ok" | "warning" | "fail";
  message: string;
}

/** Below this many units per arm the normal approximations behind the intervals may be poor. */
export const SMALL_ARM = 100;
/** The pre-period difference counts as bias at the SRM threshold: it points to an assignment bug. */
export const PRE_BIAS_THRESHOLD = 0.001;

export function srmCheck(
  counts: Record<string, number>,
  planned: Record<string, number> | undefined,
): { srm: SrmResult | null; verdict: Verdict | null } {
  const weights = planned ?? Object.fromEntries(Object.keys(counts).map((a) => [a, 1]));
  const srm = sampleRatioMismatch(counts, weights);
  if (!srm) return { srm: null, verdict: null };
  const p = srm.p_value.toPrecision(2);
  return {
    srm,
    verdict: srm.flagged
      ? {
          check: "srm",
          status: "fail",
          message: `Sample-ratio mismatch: the arm sizes differ from the planned split (chi-square p = ${p} < 0.001). Check assignment and exposure logging before trusting the results.`,
        }
      : { check: "srm", status: "ok", message: `Arm sizes match the planned split (p = ${p}).` },
  };
}

export interface PreBias {
  p_values: Record<string, number>;
  flagged: string[];
}

/** Welch test of the observed pre-period values, each treatment against control. */
export function preExposureCheck(
  arms: Record<string, GroupSums>,
  control: string,
  treatments: string[],
): { bias: PreBias | null; verdict: Verdict | null } {
  const c = arms[control];
  const p_values: Record<string, number> = {};
  for (const a of treatments) {
    const t = arms[a];
    const test = welchTest(
      summarize({ n: t.nX, sum: t.sumX, sumSq: t.sumX2 }),
      summarize({ n: c.nX, sum: c.sumX, sumSq: c.sumX2 }),
      0.05,
    );
    if (test) p_values[a] = test.p_value;
  }
  if (Object.keys(p_values).length === 0) return { bias: null, verdict: null };
  const flagged = Object.keys(p_values).filter((a) => p_values[a] < PRE_BIAS_THRESHOLD);
  return {
    bias: { p_values, flagged },
    verdict:
      flagged.length > 0
        ? {
            check: "pre_exposure_bias",
            status: "fail",
            message: `Arm(s) ${flagged.join(", ")} already differed from control before exposure (p < 0.001): randomisation or exposure may be broken.`,
          }
        : {
            check: "pre_exposure_bias",
            status: "ok",
            message: "No difference between the arms before exposure.",
          },
  };
}

export function sampleSizeCheck(arms: Record<string, GroupSums>): Verdict {
  const small = Object.entries(arms)
    .filter(([, g]) => g.n < SMALL_ARM)
    .map(([a, g]) => `${a} (${g.n})`);
  return small.length > 0
    ? {
        check: "sample_size",
        status: "warning",
        message: `Few units in ${small.join(", ")}: below ${SMALL_ARM} per arm the intervals rest on weak normal approximations.`,
      }
    : {
        check: "sample_size",
        status: "ok",
        message: "Every arm has enough units for the normal approximations.",
      };
}
