/** Shared helpers of the ab tests: fixtures, reference numbers, the model run through the local runner. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { ResultEnvelope } from "../../../../src/contracts/result";
import { abModel } from "../../../../src/models/ab";
import { loadCsvTable } from "../../../../src/models/did/csv";
import { createRegistry } from "../../../../src/models/registry";
import { runModelLocally } from "../../../../src/runs/local-runner";
import { openDuckDbWarehouse, type DuckDbWarehouse } from "../../../../src/warehouse/duckdb";

export const AB_FIXTURES = join(__dirname, "../../../fixtures/ab");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Ref = any;
export const reference: { provenance: Record<string, string>; cases: Record<string, Ref> } = JSON.parse(
  readFileSync(join(AB_FIXTURES, "reference.json"), "utf8"),
);

export async function warehouseWith(files: Record<string, string>): Promise<DuckDbWarehouse> {
  const wh = await openDuckDbWarehouse({ path: ":memory:" });
  for (const [table, file] of Object.entries(files)) {
    await loadCsvTable(wh, { path: join(AB_FIXTURES, file), table });
  }
  return wh;
}

export const registry = createRegistry([abModel]);

export function runAb(wh: DuckDbWarehouse, params: Record<string, unknown>): Promise<ResultEnvelope> {
  return runModelLocally(wh, "ws_test", "ab", params, { registry });
}

/** |actual − expected| ≤ rel · max(|expected|, 1e-300). */
export function close(actual: unknown, expected: number, rel = 1e-9, what = ""): void {
  expect(typeof actual, what).toBe("number");
  const a = actual as number;
  const tol = rel * Math.max(Math.abs(expected), 1e-300);
  if (!(Math.abs(a - expected) <= tol)) {
    throw new Error(`${what}: ${a} not within ${rel} (relative) of ${expected}; diff ${a - expected}`);
  }
}

/** Recursively: no NaN or ±Infinity anywhere in a result. */
export function expectFinite(v: unknown, path = "result"): void {
  if (typeof v === "number") expect(Number.isFinite(v), path).toBe(true);
  else if (Array.isArray(v)) v.forEach((x, i) => expectFinite(x, `${path}[${i}]`));
  else if (v && typeof v === "object")
    for (const [k, x] of Object.entries(v)) expectFinite(x, `${path}.${k}`);
}
