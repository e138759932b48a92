/**
 * The keyed arm pass from DuckDB aggregate states (states.ts): decoded states must give the plain
 * pass's sums, whatever the NULLs (arm, metric, covariate) and the metric type; a state layout the
 * calibration group does not recognise, or a DuckDB that cannot export states, falls back to sums.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResultEnvelope } from "../../../../src/contracts/result";
import { armMomentsKeyedQuery, unitsSql, type MomentShape } from "../../../../src/models/ab/sql";
import { abParamsSchema } from "../../../../src/models/ab/params";
import {
  armStatesKeyedQuery,
  CALIBRATION_KEY,
  decodePairState,
  decodeStateRows,
  decodeVarState,
  stateLayoutOk,
} from "../../../../src/models/ab/states";
import type { QueryResult, Row, SqlQuery } from "../../../../src/warehouse/warehouse";
import { openDuckDbWarehouse, type DuckDbWarehouse } from "../../../../src/warehouse/duckdb";
import { bigqueryDialect } from "../../../../src/warehouse/sql/dialect";
import { runAb as runAbModel } from "../../../../src/models/ab/analyze";
import { close, expectFinite, runAb, runAbWithLabels } from "./helpers";

let wh: DuckDbWarehouse;
const N = 20_000;
const ARMS = ["a", "b", "control"];

beforeAll(async () => {
  wh = await openDuckDbWarehouse({ path: ":memory:" });
  // NULL arms, NULL metric values (with or without a covariate), NULL covariates, an unknown arm;
  // a large offset so the sums of squares cancel badly if handled carelessly.
  await wh.exec(
    `CREATE TABLE t AS
     SELECT i AS unit,
            CASE WHEN i % 31 = 7 THEN NULL WHEN i % 97 = 1 THEN 'zz' ELSE ['a', 'b', 'control'][1 + i % 3] END AS variant,
            CASE WHEN i % 13 = 2 THEN NULL ELSE 1000 + ((i * 7919) % 1000) / 100.0 END AS pre,
            CASE WHEN i % 29 = 3 THEN NULL ELSE 1000 + ((i * 104729) % 1000) / 50.0 + (i % 3) * 0.1 END AS y,
            CASE WHEN (i * 31) % 10 < 3 THEN 1 ELSE 0 END AS conv
     FROM range(${N}) r(i)`,
  );
  await wh.exec(`CREATE TABLE clean AS SELECT * FROM t WHERE variant IN ('a', 'b', 'control')`);
});
afterAll(async () => wh.close());

function params(outcome: string, covariate: string | undefined, table = "t") {
  return abParamsSchema.parse({
    source: { kind: "table", table, variant: "variant", outcome, ...(covariate ? { covariate } : {}) },
    control: "control",
    ...(outcome === "conv" ? { metric: "proportion" } : {}),
  });
}

async function both(
  outcome: string,
  covariate: string | undefined,
): Promise<{ plain: Row[]; states: Row[] }> {
  const p = params(outcome, covariate);
  const u = unitsSql(p, wh.dialect, "ws", null);
  const shape: MomentShape = {
    ratio: false,
    covariate: covariate !== undefined,
    proportion: outcome === "conv",
  };
  const plain = (await wh.query(armMomentsKeyedQuery(u, wh.dialect, shape, ARMS))).rows;
  const raw = (await wh.query(armStatesKeyedQuery(u, wh.dialect, shape, ARMS))).rows;
  const states = decodeStateRows(raw, shape);
  expect(states).not.toBeNull();
  return { plain, states: states as Row[] };
}

const COLS = ["n_rows", "n", "sy", "syy", "nx", "sx", "sxx", "sxy", "sy_x", "n_not01"];

function expectSame(plain: Row[], states: Row[]): void {
  const byK = (rows: Row[]) => new Map(rows.map((r) => [Number(r.k), r]));
  const s = byK(states);
  expect([...s.keys()].sort()).toEqual([...byK(plain).keys()].sort());
  for (const r of plain) {
    const t = s.get(Number(r.k)) as Row;
    for (const c of COLS) close(Number(t[c]), Number(r[c]), 1e-12, `k=${String(r.k)}.${c}`);
  }
}

/** CUPED's pooled θ on `clean` by two passes in JS (missing x filled with the mean of the present ones). */
async function referenceTheta(): Promise<number> {
  const rows = (
    await wh.query({ label: "t", params: {}, sql: `SELECT pre, y FROM clean WHERE y IS NOT NULL` })
  ).rows.map((r) => ({ x: r.pre === null ? null : Number(r.pre), y: Number(r.y) }));
  const present = rows.filter((r) => r.x !== null);
  const fill = present.reduce((s, r) => s + (r.x as number), 0) / present.length;
  const xs = rows.map((r) => r.x ?? fill);
  const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
  const my = rows.reduce((s, r) => s + r.y, 0) / rows.length;
  let sxy = 0,
    sxx = 0;
  rows.forEach((r, i) => {
    sxy += (xs[i] - mx) * (r.y - my);
    sxx += (xs[i] - mx) ** 2;
  });
  return sxy / sxx;
}

describe("ab, keyed arm pass from aggregate states", () => {
  it("gives the plain pass's sums with a covariate (NULL arms, metric values and covariates)", async () => {
    const { plain, states } = await both("y", "pre");
    expectSame(plain, states);
    // Every key of the pass: 3 arms, rows without an arm (3), another arm (4).
    expect(states.map((r) => Number(r.k)).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it("gives the plain pass's sums without a covariate and for a proportion", async () => {
    const a = await both("y", undefined);
    expectSame(a.plain, a.states);
    const b = await both("conv", "pre");
    expectSame(b.plain, b.states);
  });

  it("decodes DuckDB's states of the calibration rows", async () => {
    const u = unitsSql(params("y", "pre"), wh.dialect, "ws", null);
    const shape = { ratio: false, covariate: true, proportion: false };
    const raw = (await wh.query(armStatesKeyedQuery(u, wh.dialect, shape, ARMS))).rows;
    const cal = raw.find((r) => Number(r.k) === CALIBRATION_KEY) as Row;
    expect(stateLayoutOk(cal, true)).toBe(true);
    expect(decodeVarState(cal.y_state)?.n).toBe(3);
    expect(decodePairState(cal.xy_state)?.n).toBe(2);
  });

  it("rejects states it does not recognise", async () => {
    const u = unitsSql(params("y", "pre"), wh.dialect, "ws", null);
    const shape = { ratio: false, covariate: true, proportion: false };
    const raw = (await wh.query(armStatesKeyedQuery(u, wh.dialect, shape, ARMS))).rows;
    const cal = raw.find((r) => Number(r.k) === CALIBRATION_KEY) as Row;
    const hex = String(cal.xy_state);
    // x's and y's means swapped (a different field order), a truncated state, no calibration group.
    const swapped = hex.slice(0, 16) + hex.slice(32, 48) + hex.slice(16, 32) + hex.slice(48);
    const others = raw.filter((r) => r !== cal);
    expect(decodeStateRows([...others, { ...cal, xy_state: swapped }], shape)).toBeNull();
    expect(decodeStateRows([...others, { ...cal, y_state: String(cal.y_state).slice(2) }], shape)).toBeNull();
    expect(decodeStateRows(others, shape)).toBeNull();
    expect(decodeVarState(null)).toBeNull();
  });

  it("falls back to the plain pass when the states query fails, with the same result", async () => {
    const run = (failStates: boolean) =>
      runAbWithLabels(
        wh,
        {
          source: { kind: "table", table: "clean", variant: "variant", outcome: "y", covariate: "pre" },
          control: "control",
        },
        { skip: ["ab_database_file"], fail: (q) => failStates && q.sql.includes("EXPORT_STATE") },
      );
    const fast = await run(false);
    const slow = await run(true);
    expect(fast.labels).toEqual(["ab_arm_probe", "ab_arm_moments"]);
    expect(slow.labels).toEqual(["ab_arm_probe", "ab_arm_moments", "ab_arm_moments"]);
    expectFinite(fast.r);
    expect(fast.r.estimates.map((e) => e.term)).toEqual(["a", "b"]);
    for (const e of fast.r.estimates) {
      const s = slow.r.estimates.find((x) => x.term === e.term) as Record<string, unknown>;
      for (const k of ["estimate", "std_error", "p_value", "ci_low", "ci_high", "relative_estimate", "df"])
        close((e as Record<string, unknown>)[k], s[k] as number, 1e-9, `${e.term}.${k}`);
    }
    // θ against a two-pass (centred) computation over the units themselves. x, y ≈ 1000 ± 10: the
    // statistics re-centre raw sums either way (losing ≈ ε·x̄²/var(x)), but the states' sums are
    // exact to rounding where DuckDB's running sums are not: ≈ 5e-11 here against ≈ 8e-10.
    const theta = (r: ResultEnvelope) => (r.diagnostics.cuped as { theta: number }).theta;
    const ref = await referenceTheta();
    close(theta(fast.r), ref, 2e-10, "theta (states)");
    close(theta(slow.r), ref, 1e-8, "theta (sums)");
    expect(fast.r.warnings).toEqual(slow.r.warnings);
  });

  it("an arm whose metric is always missing is still a typed failure", async () => {
    await wh.exec(
      `CREATE TABLE empty_arm AS SELECT unit, variant, pre, CASE WHEN variant = 'b' THEN NULL ELSE y END AS y FROM clean`,
    );
    await expect(
      runAb(wh, {
        source: { kind: "table", table: "empty_arm", variant: "variant", outcome: "y", covariate: "pre" },
        control: "control",
      }),
    ).rejects.toMatchObject({ code: "insufficient_data" });
  });

  it("leaves BigQuery on the one string-keyed pass of sums", async () => {
    const sqls: string[] = [];
    const sums = (v: string, n: number) => ({
      v,
      n_rows: n,
      n,
      sy: n * 2,
      syy: n * 5,
      nx: n,
      sx: n,
      sxx: n * 2,
      sxy: n * 2.5,
      sy_x: n * 2,
    });
    const out = await runAbModel({
      workspaceId: "ws",
      params: params("y", "pre"),
      warehouse: { dialect: bigqueryDialect("p", "d"), kind: "bigquery" },
      query: async <T = Row>(q: SqlQuery): Promise<QueryResult<T>> => {
        sqls.push(q.sql);
        const rows = [sums("control", 100), sums("a", 90), sums("b", 110)] as T[];
        return { rows, stats: { bytesProcessed: 0, elapsedMs: 0 } };
      },
      stage: async () => undefined,
      checkCancelled: async () => undefined,
    });
    expect(sqls.length).toBe(1);
    expect(sqls[0]).not.toContain("EXPORT_STATE");
    expect(sqls[0]).toContain("GROUP BY v");
    expect(out.estimates.map((e) => e.term)).toEqual(["a", "b"]);
  });
});
