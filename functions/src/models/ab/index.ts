/**
 * The `ab` model: experiment analysis from per-arm sufficient statistics the warehouse
 * aggregates — Welch t / two-proportion z / delta-method ratio metrics, CUPED, Bayesian
 * (Beta-Binomial, normal, hierarchical across segments), always-valid confidence sequences and
 * group-sequential boundaries, Holm/BH corrections, SRM and pre-exposure guardrails.
 */
import type { Model } from "../model";
import { runAb } from "./analyze";
import { abParamsSchema } from "./params";

export const abModel: Model<typeof abParamsSchema> = {
  name: "ab",
  version: "1.0.0",
  description:
    "A/B(/n) experiment analysis, one estimate per treatment arm (term = arm, estimate = treatment − control): " +
    "Welch t for means, two-proportion z for proportions (pooled SE test, unpooled interval), delta-method ratio " +
    "metrics and relative lifts, CUPED with the pre-period metric, Bayesian engine (Beta-Binomial / normal; chance to " +
    "beat control, expected loss; hierarchical lift across segments), always-valid confidence sequences or Lan–DeMets " +
    "O'Brien–Fleming group-sequential boundaries, Holm/BH corrections, SRM and pre-exposure bias guardrails.",
  paramsSchema: abParamsSchema,
  run: runAb,
};

export { abParamsSchema } from "./params";
export type { AbParams } from "./params";
