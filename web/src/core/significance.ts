import type { Estimate } from "@cfap/contracts";
import { formatNumber, formatPercent, formatSigned } from "./format";

/** The significance level of a run: `params.alpha` when it is a number in (0, 1), else 0.05. */
export function alphaOf(params: Record<string, unknown> | undefined): number {
  const a = params?.alpha;
  return typeof a === "number" && a > 0 && a < 1 ? a : 0.05;
}

export type Verdict = "significant" | "not_significant" | "unknown";

/** Significant when p < alpha; without a p-value, when the interval excludes zero. */
export function verdict(e: Pick<Estimate, "p_value" | "ci_low" | "ci_high">, alpha: number): Verdict {
  if (typeof e.p_value === "number" && Number.isFinite(e.p_value)) {
    return e.p_value < alpha ? "significant" : "not_significant";
  }
  if (typeof e.ci_low === "number" && typeof e.ci_high === "number") {
    return e.ci_low > 0 || e.ci_high < 0 ? "significant" : "not_significant";
  }
  return "unknown";
}

export function formatInterval(e: Pick<Estimate, "ci_low" | "ci_high">, alpha: number): string | null {
  if (typeof e.ci_low !== "number" || typeof e.ci_high !== "number") return null;
  return `${formatPercent(1 - alpha)} CI ${formatNumber(e.ci_low)} to ${formatNumber(e.ci_high)}`;
}

/**
 * One sentence a non-statistician can read, e.g.
 * "The effect is statistically significant at the 5% level: +3.2 (95% CI 1.1 to 5.3)."
 */
export function significanceSentence(e: Estimate, alpha = 0.05): string {
  const level = formatPercent(alpha);
  const interval = formatInterval(e, alpha);
  const value = `${formatSigned(e.estimate)}${interval ? ` (${interval})` : ""}`;
  switch (verdict(e, alpha)) {
    case "significant": {
      const direction = e.estimate > 0 ? "an increase" : "a decrease";
      return `The effect is statistically significant at the ${level} level: ${value}. The data point to ${direction}.`;
    }
    case "not_significant":
      return `The effect is not statistically significant at the ${level} level: ${value}. The data are consistent with no effect.`;
    default:
      return `Estimated effect: ${value}. There is not enough information to judge its significance.`;
  }
}
