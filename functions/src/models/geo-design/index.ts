/** The `geo_design` model: market selection and power for geo experiments. */
import type { Model } from "../model";
import { geoDesignParamsSchema } from "./params";
import { runGeoDesign } from "./run";

export const geoDesignModel: Model<typeof geoDesignParamsSchema> = {
  name: "geo_design",
  version: "1.0.0",
  description:
    "Geo test design: ranks treatment market sets (all combinations or seeded samples, include/exclude lists, " +
    "budgets) by simulated power at the expected effect, minimum detectable effect and pre-period fit. Power from " +
    "historical windows with the effect injected, tested with conformal inference on an outcome-only synthetic " +
    "control; parallel on worker_threads, seeded and deterministic. 'No feasible market set' is a result.",
  paramsSchema: geoDesignParamsSchema,
  run: runGeoDesign,
};

export { geoDesignParamsSchema } from "./params";
export type { GeoDesignParams } from "./params";
export { designMarkets } from "./run";
