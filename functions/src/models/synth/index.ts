/**
 * The `synth` model: synthetic control for geo experiments (outcome-only, ADH with predictors,
 * or ridge-augmented), with placebo-in-space or conformal inference.
 */
import type { Model } from "../model";
import { synthParamsSchema } from "./params";
import { runSynth } from "./run";

export const synthModel: Model<typeof synthParamsSchema> = {
  name: "synth",
  version: "1.0.0",
  description:
    "Synthetic control on a unit x period panel (geo from standard_events, or a table). Weights on the simplex by an " +
    "exact active-set QP with a KKT check: outcome-only (all pre periods), ADH (predictors, V by Nelder-Mead over " +
    "log V from equal and regression starts) or ridge-augmented SC (Ben-Michael, Feller & Rothstein 2021). " +
    "Inference where the p-value and interval come from one procedure: placebo-in-space RMSPE-ratio permutation or " +
    "conformal inference (Chernozhukov, Wuthrich & Zhu 2021), inverted for a constant effect. Terms: att (mean " +
    "post gap), cumulative, lift_pct; diagnostics.weights, gaps, placebo, optimizer.",
  paramsSchema: synthParamsSchema,
  run: runSynth,
};

export { synthParamsSchema } from "./params";
export type { SynthParams } from "./params";
export { estimateSynth } from "./estimate";
export { buildPanel, validatePanel } from "./data";
export { fitSeries, placeboRun } from "./fit";
export { panelQuery } from "./panel";
export { eventsSourceSchema, tableSourceSchema } from "./params";
