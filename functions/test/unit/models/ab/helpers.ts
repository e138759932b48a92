/** Shared helpers of the ab tests: fixtures, reference numbers, the model run through the local runner. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, vi } from "vitest";
import type { ResultEnvelope } from "../../../../src/contracts/result";
import { abModel } from "../../../../src/models/ab";
import { loadCsvTable } from "../../../../src/models/did/csv";
import { createRegistry } from "../../../../src/models/registry";
import { runModelLocally } from "../../../../src/runs/local-runner";
import { openDuckDbWarehouse, type DuckDbWarehouse } from "../../../../src/warehouse/duckdb";
import type { SqlQuery } from "../../../../src/warehouse/warehouse";

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

/**
 * The model run with the labels of its `ab_*` queries in order (which passes ran), leaving out the
 * labels in `skip`; queries `fail` picks are refused, as a warehouse that cannot run them would.
 */
export async function runAbWithLabels(
  wh: DuckDbWarehouse,
  params: Record<string, unknown>,
  opts: { skip?: string[]; fail?: (q: SqlQuery) => boolean } = {},
): Promise<{ r: ResultEnvelope; labels: string[] }> {
  const original = wh.query.bind(wh);
  const spy = vi
    .spyOn(wh, "query")
    .mockImplementation((q) =>
      opts.fail?.(q) ? Promise.reject(new Error("refused by the test")) : original(q),
    );
  try {
    const r = await runAb(wh, params);
    const labels = spy.mock.calls.map((c) => c[0].label);
    return { r, labels: labels.filter((l) => l.startsWith("ab_") && !(opts.skip ?? []).includes(l)) };
  } finally {
    spy.mockRestore();
  }
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
