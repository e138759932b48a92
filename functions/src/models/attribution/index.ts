/**
 * The `attribution` model: multi-touch attribution of conversions and value to channels with first,
 * last, linear, time-decay and position-based heuristics, an exact order-k Markov chain (removal
 * effects from the fundamental matrix) and the simplified and ordered Shapley values of Zhao et al.
 * (2018), all from aggregates of journeys built in the warehouse.
 */
import type { Model } from "../model";
import { runAttribution } from "./estimate";
import { attributionParamsSchema } from "./params";

export const attributionModel: Model<typeof attributionParamsSchema> = {
  name: "attribution",
  version: "1.0.0",
  description:
    "Multi-touch attribution: first, last, linear, time-decay, position-based (40/20/40), exact order-k " +
    "Markov removal effects (fundamental matrix, no simulation) and simplified / ordered Shapley " +
    "(Zhao et al. 2018). One estimate per (model, channel): estimate = conversions, value = value.",
  paramsSchema: attributionParamsSchema,
  run: runAttribution,
};

export { attributionParamsSchema, ATTRIBUTION_MODELS } from "./params";
export type { AttributionParams, AttributionModelName } from "./params";
export { runAttribution, CONVENTIONS, MARKOV_MAX_FLOPS } from "./estimate";
export { loadPathsCsv, splitPathColumns } from "./csv";
