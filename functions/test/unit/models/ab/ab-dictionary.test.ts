/**
 * The arm pass grouped by the arm's string on a dictionary-compressed column (a checkpointed DuckDB
 * file; states.ts armStatesByNameQuery). It must give exactly what the integer-keyed pass gives on
 * the same rows in memory — NULL arms, an arm outside the probed ones, NULL metric and covariate
 * values, every metric type — and be skipped where the column is not all dictionary-compressed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResultEnvelope } from "../../../../src/contracts/result";
import { openDuckDbWarehouse, type DuckDbWarehouse } from "../../../../src/warehouse/duckdb";
import { close, runAbWithLabels } from "./helpers";

const N = 20_000;
let dir: string;
let onFile: DuckDbWarehouse;
let inMemory: DuckDbWarehouse;

const TABLE = `SELECT i AS unit,
    CASE WHEN i % 31 = 7 THEN NULL WHEN i % 97 = 1 THEN 'zz' ELSE ['a', 'b', 'control'][1 + i % 3] END AS variant,
    CASE WHEN i % 13 = 2 THEN NULL ELSE 1000 + ((i * 7919) % 1000) / 100.0 END AS pre,
    CASE WHEN i % 29 = 3 THEN NULL ELSE 1000 + ((i * 104729) % 1000) / 50.0 + (i % 3) * 0.1 END AS y,
    CASE WHEN (i * 31) % 10 < 3 THEN 1 ELSE 0 END AS conv
  FROM range(${N}) r(i)`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cfap-ab-dict-"));
  onFile = await openDuckDbWarehouse({ path: join(dir, "w.duckdb") });
  inMemory = await openDuckDbWarehouse({ path: ":memory:" });
  for (const wh of [onFile, inMemory]) {
    await wh.exec(`CREATE TABLE t AS ${TABLE}`);
    await wh.exec(`CREATE TABLE fresh AS ${TABLE}`);
  }
  // Checkpointed: stored compressed. `fresh` then gets rows after the checkpoint (stored as is).
  await onFile.exec("CHECKPOINT");
  await onFile.exec(`INSERT INTO fresh SELECT * FROM fresh LIMIT 10`);
  await inMemory.exec(`INSERT INTO fresh SELECT * FROM fresh LIMIT 10`);
});
afterAll(async () => {
  await onFile.close();
  await inMemory.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (wh: DuckDbWarehouse, params: Record<string, unknown>) => runAbWithLabels(wh, params);

function expectSame(a: ResultEnvelope, b: ResultEnvelope): void {
  expect(a.estimates.map((e) => e.term)).toEqual(b.estimates.map((e) => e.term));
  a.estimates.forEach((e, i) => {
    for (const k of ["estimate", "std_error", "ci_low", "ci_high", "p_value"] as const) {
      close(e[k], b.estimates[i][k] as number, 1e-12, `${e.term}.${k}`);
    }
  });
  const arms = (r: ResultEnvelope) =>
    (r.diagnostics.arms as { variant: string; units: number; n: number; mean: number }[]).map((x) => [
      x.variant,
      x.units,
      x.n,
    ]);
  expect(arms(a)).toEqual(arms(b));
  expect(a.warnings).toEqual(b.warnings);
}

const cases: [string, Record<string, unknown>][] = [
  ["mean with a covariate (CUPED)", { outcome: "y", covariate: "pre" }],
  ["mean without a covariate", { outcome: "y" }],
  ["proportion", { outcome: "conv", metric: "proportion" }],
];

describe("ab arm pass on a dictionary-compressed arm column", () => {
  it.each(cases)("%s: grouped by the arm's string, same numbers as the keyed pass", async (_, extra) => {
    const { outcome, covariate, metric } = extra as { outcome: string; covariate?: string; metric?: string };
    const params = {
      source: { kind: "table", table: "t", variant: "variant", outcome, ...(covariate ? { covariate } : {}) },
      control: "control",
      ...(metric ? { metric } : {}),
    };
    const file = await run(onFile, params);
    const memory = await run(inMemory, params);
    expect(file.labels).toEqual(["ab_database_file", "ab_arm_storage", "ab_arm_moments"]);
    expect(memory.labels).toEqual(["ab_database_file", "ab_arm_probe", "ab_arm_moments"]);
    expectSame(file.r, memory.r);
  });

  it("rows stored after the last checkpoint (not compressed) keep the keyed pass", async () => {
    const params = {
      source: { kind: "table", table: "fresh", variant: "variant", outcome: "y", covariate: "pre" },
      control: "control",
    };
    const file = await run(onFile, params);
    expect(file.labels).toEqual(["ab_database_file", "ab_arm_storage", "ab_arm_probe", "ab_arm_moments"]);
    expectSame(file.r, (await run(inMemory, params)).r);
  });
});
