/**
 * The `did` model: difference-in-differences (2×2 and two-way fixed effects) with an optional
 * event study, estimated from sufficient statistics the warehouse aggregates.
 */
import type { Model } from "../model";
import { runDid } from "./estimate";
import { didParamsSchema } from "./params";

export const didModel: Model<typeof didParamsSchema> = {
  name: "did",
  version: "1.0.0",
  description:
    "Difference-in-differences: 2x2 or two-way fixed effects (unit and time, within transformation; " +
    "unbalanced panels supported) with optional covariates and an event study with a joint pre-trend " +
    "Wald test. Cluster-robust CR1 standard errors by unit by default (statsmodels/Stata small-sample " +
    "factor), HC1 or classical on request. Main term: att.",
  paramsSchema: didParamsSchema,
  run: runDid,
};

export { didParamsSchema, isTableParams } from "./params";
export type { DidParams, EventsDidParams, TableDidParams } from "./params";
export { runDidOnWarehouse } from "./run";
export { loadCsvTable } from "./csv";
