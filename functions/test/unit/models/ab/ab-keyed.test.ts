/**
 * The arm query's fast path on DuckDB table sources: arms guessed from the table's first rows,
 * the one pass keyed by a small integer (sql.ts armMomentsKeyedQuery). It must give the same
 * result as the string-keyed GROUP BY whatever the guess: an arm first seen after the probed rows,
 * more arms than the key handles, rows without an arm, a non-string arm column.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResultEnvelope } from "../../../../src/contracts/result";
import { ARM_PROBE_ROWS, MAX_KEYED_ARMS } from "../../../../src/models/ab/sql";
import { openDuckDbWarehouse, type DuckDbWarehouse } from "../../../../src/warehouse/duckdb";
import { close, expectFinite, runAbWithLabels } from "./helpers";

let wh: DuckDbWarehouse;
const N = 3 * ARM_PROBE_ROWS;

beforeAll(async () => {
  wh = await openDuckDbWarehouse({ path: ":memory:" });
  // Deterministic pseudo-random values; `late` first appears after the probed rows.
  const body = (arm: string) =>
    `SELECT i AS unit, ${arm} AS variant,
            CASE WHEN i % 7 = 3 THEN NULL ELSE ((i * 7919) % 1000) / 100.0 END AS pre,
            ((i * 104729) % 1000) / 50.0 + (i % 3) * 0.1 AS y
     FROM range(${N}) r(i)`;
  await wh.exec(
    `CREATE TABLE early AS ${body(
      `CASE WHEN i % 17 = 5 THEN NULL WHEN i % 3 = 0 THEN 'control' WHEN i % 3 = 1 THEN 'a' ELSE 'late' END`,
    )}`,
  );
  await wh.exec(
    `CREATE TABLE missed AS ${body(
      `CASE WHEN i % 17 = 5 THEN NULL WHEN i % 3 = 0 THEN 'control' WHEN i % 3 = 1 OR i < ${ARM_PROBE_ROWS + 10} THEN 'a' ELSE 'late' END`,
    )}`,
  );
  await wh.exec(
    `CREATE TABLE many AS ${body(`CASE WHEN i % 20 = 0 THEN 'control' ELSE 'arm' || lpad(CAST(i % 20 AS VARCHAR), 2, '0') END`)}`,
  );
  await wh.exec(`CREATE TABLE ints AS ${body(`CASE WHEN i % 11 = 4 THEN NULL ELSE i % 2 END`)}`);
});
afterAll(async () => wh.close());

/** The in-memory database check runs first everywhere; the dictionary pass has its own tests. */
const run = (table: string, control = "control") =>
  runAbWithLabels(
    wh,
    { source: { kind: "table", table, variant: "variant", outcome: "y", covariate: "pre" }, control },
    { skip: ["ab_database_file"] },
  );

/** The moments straight from a string-keyed GROUP BY, for comparison. */
async function direct(table: string): Promise<Map<string, { units: number; n: number; mean: number }>> {
  const res = await wh.query({
    label: "t",
    params: {},
    sql: `SELECT CAST(variant AS VARCHAR) AS v, COUNT(*) AS units, COUNT(y) AS n, AVG(y) AS mean
          FROM ${table} WHERE variant IS NOT NULL GROUP BY 1`,
  });
  return new Map(
    res.rows.map((r) => [String(r.v), { units: Number(r.units), n: Number(r.n), mean: Number(r.mean) }]),
  );
}

function expectArms(r: ResultEnvelope, want: Map<string, { units: number; n: number; mean: number }>): void {
  const arms = r.diagnostics.arms as { variant: string; units: number; n: number; mean: number }[];
  expect(arms.map((a) => a.variant).sort()).toEqual([...want.keys()].sort());
  for (const a of arms) {
    const w = want.get(a.variant);
    expect(a.units).toBe(w?.units);
    expect(a.n).toBe(w?.n);
    close(a.mean, w?.mean as number, 1e-12, `${a.variant}.mean`);
  }
}

describe("ab, integer-keyed arm pass", () => {
  it("uses the keyed pass when the probe sees every arm, and drops rows without an arm", async () => {
    const { r, labels } = await run("early");
    expect(labels).toEqual(["ab_arm_probe", "ab_arm_moments"]);
    expectFinite(r);
    expectArms(r, await direct("early"));
    const dropped = Array.from({ length: N }, (_, i) => i).filter((i) => i % 17 === 5).length;
    expect(r.warnings).toContain(`Dropped ${dropped} row(s) without an arm.`);
  });

  it("falls back to the string-keyed pass for an arm the probe missed, with the same numbers", async () => {
    const { r, labels } = await run("missed");
    expect(labels).toEqual(["ab_arm_probe", "ab_arm_moments", "ab_arm_moments"]);
    expectFinite(r);
    expectArms(r, await direct("missed"));
    expect(r.estimates.map((e) => e.term).sort()).toEqual(["a", "late"]);
  });

  it("keyed and string-keyed passes agree on every estimate", async () => {
    // Same rows as `missed`, ordered so that the probe sees all three arms.
    await wh.exec(`CREATE TABLE missed_sorted AS SELECT * FROM missed ORDER BY unit DESC`);
    const slow = await run("missed");
    const fast = await run("missed_sorted");
    expect(fast.labels).toEqual(["ab_arm_probe", "ab_arm_moments"]);
    expect(fast.r.estimates.length).toBe(2);
    for (const e of fast.r.estimates) {
      const s = slow.r.estimates.find((x) => x.term === e.term) as Record<string, unknown>;
      for (const k of ["estimate", "std_error", "p_value", "ci_low", "ci_high", "relative_estimate", "df"])
        close((e as Record<string, unknown>)[k], s[k] as number, 1e-9, `${e.term}.${k}`);
    }
    const cf = fast.r.diagnostics.cuped as { theta: number; variance_reduction: number };
    const cs = slow.r.diagnostics.cuped as { theta: number; variance_reduction: number };
    close(cf.theta, cs.theta, 1e-9, "theta");
    close(cf.variance_reduction, cs.variance_reduction, 1e-9, "variance_reduction");
    expect(fast.r.warnings).toEqual(slow.r.warnings);
  });

  it(`answers with the string-keyed pass beyond ${MAX_KEYED_ARMS} arms`, async () => {
    const { r, labels } = await run("many");
    expect(labels).toEqual(["ab_arm_probe", "ab_arm_moments"]);
    expectFinite(r);
    expectArms(r, await direct("many"));
    expect(r.estimates.length).toBe(19);
  });

  it("keys a non-string arm column by its text", async () => {
    const { r, labels } = await run("ints", "0");
    expect(labels).toEqual(["ab_arm_probe", "ab_arm_moments"]);
    expectFinite(r);
    expectArms(r, await direct("ints"));
    expect(r.estimates.map((e) => e.term)).toEqual(["1"]);
  });
});
