/**
 * The one place models register: the API (`GET /v1/models`, run validation) and the worker use this
 * list; adding a model is adding it here. CLI commands run one model each and build a registry of
 * just that one (registry.ts), so they do not load this file.
 */
import { abModel } from "./ab";
import { attributionModel } from "./attribution";
import { didModel } from "./did";
import { funnelModel } from "./funnel";
import { geoDesignModel } from "./geo-design";
import type { Model } from "./model";
import { createRegistry, type ModelRegistry } from "./registry";
import { powerModel } from "./power";
import { synthModel } from "./synth";

export const models: Model[] = [
  didModel,
  abModel,
  powerModel,
  attributionModel,
  funnelModel,
  synthModel,
  geoDesignModel,
] as unknown as Model[];

let defaultRegistry: ModelRegistry | undefined;
export function registry(): ModelRegistry {
  defaultRegistry ??= createRegistry(models);
  return defaultRegistry;
}
