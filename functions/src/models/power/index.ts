/** The `power` model: sample size, MDE and runtime of a planned experiment. */
import type { Model } from "../model";
import { powerParamsSchema } from "./params";
import { runPower } from "./run";

export const powerModel: Model<typeof powerParamsSchema> = {
  name: "power",
  version: "1.0.0",
  description:
    "Experiment planning: units needed to detect an MDE (or the MDE of a given size or runtime) for means " +
    "(d = Δ/σ) and proportions (Cohen's h), two-sided normal approximation as statsmodels NormalIndPower, " +
    "any split and number of arms (Bonferroni), with CUPED's variance reduction, and runtime in days from " +
    "the workspace's historical traffic.",
  paramsSchema: powerParamsSchema,
  run: runPower,
};

export { powerParamsSchema } from "./params";
export type { PowerParams } from "./params";
