/**
 * The `funnel` model: ordered steps within a window over standard_events — users and conversion per
 * step, drop-off, median time between steps, a breakdown by channel or campaign, and partial-funnel
 * attribution of step-to-step progress.
 */
import type { Model } from "../model";
import { runFunnel } from "./estimate";
import { funnelParamsSchema } from "./params";

export const funnelModel: Model<typeof funnelParamsSchema> = {
  name: "funnel",
  version: "1.0.0",
  description:
    "Ordered funnel over standard_events: users, conversion and drop-off per step, median time between " +
    "steps, breakdown by channel/campaign, and attribution of step-to-step progress to channels. " +
    "One estimate per step: estimate = users reaching it.",
  paramsSchema: funnelParamsSchema,
  run: runFunnel,
};

export { funnelParamsSchema, FUNNEL_COLUMNS } from "./params";
export type { FunnelParams, FunnelStep, FunnelFilter } from "./params";
export { runFunnel, FUNNEL_CONVENTIONS } from "./estimate";
