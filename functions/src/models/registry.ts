/**
 * Model registries and what the warehouse records of a model. The product's list of models is in
 * all-models.ts, apart from this file so that a process running one model (a CLI command) builds a
 * registry of just that model without loading the others.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { ModelInfo } from "../contracts/api";
import { canonicalJson } from "../ingestion/canonical-json";
import type { Warehouse } from "../warehouse/warehouse";
import type { Model } from "./model";

export interface ModelRegistry {
  get(name: string): Model | undefined;
  list(): readonly Model[];
}

/** A registry over a list of models (tests pass their own). Names must be unique. */
export function createRegistry(list: readonly Model[]): ModelRegistry {
  const byName = new Map<string, Model>();
  for (const m of list) {
    if (byName.has(m.name)) throw new Error(`model "${m.name}" is registered twice`);
    byName.set(m.name, m);
  }
  return { get: (name) => byName.get(name), list: () => [...byName.values()] };
}

/** The params as JSON Schema (input side: fields with defaults are optional), for forms and the registry table. */
export function paramsJsonSchema(model: Model): Record<string, unknown> {
  return z.toJSONSchema(model.paramsSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
}

export function modelInfo(model: Model): ModelInfo {
  const schema = paramsJsonSchema(model);
  return {
    name: model.name,
    version: model.version,
    description: model.description,
    params_schema: schema,
    params_schema_hash: createHash("sha256").update(canonicalJson(schema)).digest("hex"),
  };
}

let packageVersion: string | undefined;
/** `CFAP_CODE_VERSION` (set by CI to the commit) or the functions package version. */
export function codeVersion(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CFAP_CODE_VERSION?.trim();
  if (fromEnv) return fromEnv;
  if (packageVersion === undefined) {
    packageVersion = "unknown";
    // src/models → ../../package.json; lib/src/models (build) → ../../../package.json
    for (const rel of ["../../package.json", "../../../package.json"]) {
      try {
        const pkg = JSON.parse(readFileSync(join(__dirname, rel), "utf8")) as {
          name?: string;
          version?: string;
        };
        if (pkg.name === "@cfap/functions" && pkg.version) {
          packageVersion = pkg.version;
          break;
        }
      } catch {
        // try the next location
      }
    }
  }
  return packageVersion;
}

/**
 * Writes one `causal_model_registry` row per model: keyed by (model, version, schema hash, code version),
 * so calling it on every cold start adds a row only when something changed.
 */
export async function registerModels(
  warehouse: Pick<Warehouse, "insert">,
  version: string,
  list: readonly Model[],
  now: Date = new Date(),
): Promise<{ inserted: number; duplicates: number }> {
  const rows = list.map((m) => {
    const info = modelInfo(m);
    return {
      model: info.name,
      model_version: info.version,
      params_schema_hash: info.params_schema_hash,
      code_version: version,
      params_schema: JSON.stringify(info.params_schema),
      registered_at: now.toISOString(),
    };
  });
  return warehouse.insert("causal_model_registry", rows);
}
