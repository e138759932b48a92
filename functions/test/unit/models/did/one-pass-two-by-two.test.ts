import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDidOnWarehouse } from "../../../../src/models/did";
import type { ModelOutput } from "../../../../src/models/model";
import { expectClose, labelledWarehouse, memoryWarehouse, type TestWarehouse } from "./helpers";

/**
 * The one-pass 2×2 (one-pass-two-by-two.ts) against the general two-pass path on the same data.
 * Each case is run twice: on a table with integer 0/1 columns (eligible for the one pass) and on its
 * twin with DOUBLE treated/post columns, which the probe never lets through — so the twin always
 * runs describe + cluster scores, the path the statsmodels fixtures pin down. Every estimate, cell
 * mean and warning must agree; cases the one pass must not take end on the general path with the
 * same output or the same failure.
 */
let wh: TestWarehouse;
const labels: string[] = [];
const metered = () => labelledWarehouse(() => wh, labels);
const setup = (sql: string) => wh.query({ label: "setup", sql });

/** 400 units × 2 periods; a third treated; unit effects, a period effect, an effect of 1.2, noise. */
const Y = `5 + (hash(i) % 100) / 10.0 + 0.3 * p + 1.2 * CAST(i % 3 = 0 AS INTEGER) * p + (hash(i * 7919 + p) % 1000) / 250.0`;

/** Creates `name` from a SELECT over (unit, post, treated, y) and its twin `name_general`. */
async function table(name: string, select: string): Promise<void> {
  await setup(`CREATE TABLE ${name} AS ${select}`);
  await setup(
    `CREATE TABLE ${name}_general AS SELECT * REPLACE (CAST(treated AS DOUBLE) AS treated, CAST(post AS DOUBLE) AS post) FROM ${name}`,
  );
}

beforeAll(async () => {
  wh = await memoryWarehouse();
  const base = `SELECT i AS unit, CAST(p AS INTEGER) AS post, CAST(i % 3 = 0 AS INTEGER) AS treated, ${Y} AS y FROM range(400) r(i), range(2) q(p)`;
  await table("balanced", base);
  // A fifth of the units keep only their pre row, another fifth only their post row.
  await table(
    "one_period",
    `SELECT * FROM (${base}) b WHERE NOT ((hash(unit) % 5 = 0 AND post = 1) OR (hash(unit) % 5 = 1 AND post = 0))`,
  );
  await table(
    "booleans",
    `SELECT unit, CAST(post AS BOOLEAN) AS post, CAST(treated AS BOOLEAN) AS treated, y FROM (${base}) b`,
  );
  await table("counts", `SELECT unit, post, treated, CAST(round(y * 10) AS INTEGER) AS y FROM (${base}) b`);
  await table("decimals", `SELECT unit, post, treated, CAST(y AS DECIMAL(18, 4)) AS y FROM (${base}) b`);
  await table("shifted", `SELECT unit, post, treated, y + 1e9 AS y FROM (${base}) b`);
  // Five periods per cell (a daily panel analysed as 2×2 without its time column): two rows per cell.
  await table(
    "multi_row",
    `SELECT i AS unit, CAST(d >= 5 AS INTEGER) AS post, CAST(i % 3 = 0 AS INTEGER) AS treated,
       5 + (hash(i) % 100) / 10.0 + 1.2 * CAST(i % 3 = 0 AND d >= 5 AS INTEGER) + (hash(i * 31 + d) % 1000) / 250.0 AS y
     FROM range(300) r(i), range(10) q(d)`,
  );
  // Two rows per cell (each period twice): few enough rows per unit that only the one pass finds them.
  await table("two_rows", `SELECT b.* FROM (${base}) b, range(2) d(k)`);
  // Treatment switching on within a unit (treated = D_it): units mix treatment groups.
  await table("mixed", `SELECT unit, post, treated * post AS treated, y FROM (${base}) b`);
  await table(
    "null_y",
    `SELECT unit, post, treated, CASE WHEN unit = 7 AND post = 1 THEN NULL ELSE y END AS y FROM (${base}) b`,
  );
  await table(
    "null_treated",
    `SELECT unit, post, CASE WHEN unit = 8 AND post = 1 THEN NULL ELSE treated END AS treated, y FROM (${base}) b`,
  );
  await table(
    "null_unit",
    `SELECT CASE WHEN unit = 9 THEN NULL ELSE unit END AS unit, post, treated, y FROM (${base}) b`,
  );
  await table(
    "bad_treated",
    `SELECT unit, post, CASE WHEN unit = 10 THEN 2 ELSE treated END AS treated, y FROM (${base}) b`,
  );
  await table("constant", `SELECT unit, post, treated, 3.0 AS y FROM (${base}) b`);
  await table("cell_constant", `SELECT unit, post, treated, 1.0 + treated + 2 * post AS y FROM (${base}) b`);
  // The first stored row (the shift) is a treated-post outlier: the control group's expansion
  // would cancel ~20 digits, so the guard must hand the run to the general path.
  await table(
    "outlier_first",
    `SELECT * FROM (SELECT 0 AS unit, 1 AS post, 1 AS treated, 1e12 AS y UNION ALL
       SELECT unit, post, treated, y FROM (${base}) b WHERE NOT (unit = 0 AND post = 1)) o`,
  );
  await table("controls_only", `SELECT unit, post, 0 AS treated, y FROM (${base}) b`);
  // Traps for the join's proof (paired-two-by-two.ts). Unit 5's post row twice and unit 6 without
  // its post row: as many pre as post rows and as many pairs as pre rows, but unit 6's pre row
  // finds no partner.
  await table(
    "pairs_unmatched",
    `SELECT * FROM (${base}) b WHERE NOT (unit = 6 AND post = 1)
     UNION ALL SELECT * FROM (${base}) b WHERE unit = 5 AND post = 1`,
  );
  // Unit 5's post row twice and one more row of unit 7 with a NULL post: every row with a post value
  // has a partner and 2·pairs = all rows; only counting the rows with a post value tells.
  await table(
    "pairs_null_post",
    `SELECT * FROM (${base}) b
     UNION ALL SELECT * FROM (${base}) b WHERE unit = 5 AND post = 1
     UNION ALL SELECT unit, NULL AS post, treated, y FROM (${base}) b WHERE unit = 7 AND post = 0`,
  );
  // A repeated cross-section: a new unit for every row. DuckDB's distinct count shows it; no join.
  await table("cross_section", `SELECT unit * 2 + post AS unit, post, treated, y FROM (${base}) b`);
});
afterAll(async () => wh.close());

type Outcome = { out: ModelOutput; labels: string[] } | { error: string; labels: string[] };

async function fit(
  table: string,
  extra: Record<string, unknown> = {},
  sourceExtra: Record<string, unknown> = {},
): Promise<Outcome> {
  labels.length = 0;
  const source = {
    kind: "table",
    table,
    outcome: "y",
    treated: "treated",
    post: "post",
    unit: "unit",
    ...sourceExtra,
  };
  try {
    const out = await runDidOnWarehouse(metered(), { source, design: "2x2", ...extra });
    return { out, labels: [...labels] };
  } catch (e) {
    return {
      error: e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e),
      labels: [...labels],
    };
  }
}

const PROBE = "did_2x2_probe";
const PAIRS = "did_2x2_pairs";
const GROUPED = "did_2x2_one_pass";

function expectSameOutput(a: ModelOutput, b: ModelOutput, rel = 1e-9): void {
  expect(a.n_obs).toBe(b.n_obs);
  expect(a.warnings).toEqual(b.warnings);
  expect(a.estimates.map((e) => e.term)).toEqual(b.estimates.map((e) => e.term));
  a.estimates.forEach((e, i) => {
    const ref = b.estimates[i];
    for (const k of ["estimate", "std_error", "ci_low", "ci_high", "p_value"] as const) {
      expectClose(e[k], ref[k] as number, rel, `${e.term}.${k}`);
    }
    expect(e.df).toBe(ref.df);
  });
  const da = a.diagnostics;
  const db = b.diagnostics;
  for (const k of ["n_obs", "n_clusters", "k", "df_resid", "design", "timing", "dropped_rows"]) {
    expect(da[k], k).toEqual(db[k]);
  }
  expect((da.se as Record<string, unknown>).factor).toBeCloseTo((db.se as { factor: number }).factor, 12);
  const cells = (d: Record<string, unknown>) =>
    d.cell_means as { group: string; period: string; mean: number; n: number }[];
  cells(da).forEach((c, i) => {
    const ref = cells(db)[i];
    expect([c.group, c.period, c.n]).toEqual([ref.group, ref.period, ref.n]);
    expectClose(c.mean, ref.mean, 1e-12, `cell ${c.group} ${c.period}`);
  });
  expectClose(da.did_from_cell_means, db.did_from_cell_means as number, rel, "did_from_cell_means");
  const tb = (d: Record<string, unknown>) => d.two_by_two as Record<string, number>;
  for (const [k, v] of Object.entries(tb(db))) expectClose(tb(da)[k], v, rel, `two_by_two.${k}`);
}

async function compare(name: string, rel = 1e-9): Promise<{ fast: string[]; general: string[] }> {
  const fast = await fit(name);
  const general = await fit(`${name}_general`);
  expect(general.labels).not.toContain(GROUPED);
  expect(general.labels).not.toContain(PAIRS);
  if ("error" in general) {
    expect("error" in fast ? fast.error : "no error").toBe(general.error);
  } else {
    if ("error" in fast) throw new Error(`${name}: one-pass side failed: ${fast.error}`);
    expectSameOutput(fast.out, general.out, rel);
  }
  return { fast: fast.labels, general: general.labels };
}

describe("one-pass 2x2: takes one scan and matches the general path", () => {
  it.each([
    ["balanced", 1e-9],
    ["booleans", 1e-9],
    ["counts", 1e-9],
    ["decimals", 1e-9],
    // 1e9 offset: the general path's own sums carry ~1e-7 relative noise in the SE here.
    ["shifted", 1e-6],
  ])("%s: the join of pre to post rows", async (name, rel) => {
    const r = await compare(name, rel);
    expect(r.fast.filter((l) => l !== "did_2x2_ranges")).toEqual([PROBE, PAIRS]);
  });

  it("units seen in one period only: the join finds them, the grouped pass takes them", async () => {
    const r = await compare("one_period");
    expect(r.fast).toEqual([PROBE, PAIRS, GROUPED]);
  });

  it("a repeated cross-section: the grouped pass straight away (DuckDB's distinct count)", async () => {
    const r = await compare("cross_section");
    expect(r.fast).toEqual([PROBE, GROUPED]);
  });

  it("an explicit cluster equal to the unit takes the one pass too", async () => {
    const r = await fit("balanced", {}, { cluster: "unit" });
    expect(r.labels).toEqual([PROBE, PAIRS]);
    expect("out" in r && r.out.diagnostics.n_clusters).toBe(400);
  });
});

describe("one-pass 2x2: hands over to the general path", () => {
  it("many rows per unit (by DuckDB's statistics): the probe sends it to the general path", async () => {
    const r = await compare("multi_row");
    expect(r.fast[0]).toBe(PROBE);
    expect(r.fast).not.toContain(PAIRS);
    expect(r.fast).not.toContain(GROUPED);
    expect(r.fast).toContain("did_describe");
  });

  it.each(["two_rows", "mixed", "null_treated", "pairs_unmatched", "pairs_null_post"])(
    "%s: the join and the grouped pass find the case, and the general path decides",
    async (name) => {
      const r = await compare(name);
      expect(r.fast.slice(0, 3)).toEqual([PROBE, PAIRS, GROUPED]);
      expect(r.fast).toContain("did_describe");
    },
  );

  it.each(["constant", "cell_constant", "outlier_first"])(
    "%s: the join's sums fail the guards, and the general path decides",
    async (name) => {
      const r = await compare(name);
      expect(r.fast.slice(0, 2)).toEqual([PROBE, PAIRS]);
      expect(r.fast).not.toContain(GROUPED);
      expect(r.fast).toContain("did_describe");
    },
  );

  it.each(["null_y", "null_unit", "bad_treated"])(
    "%s: the probe alone sends it to the general path",
    async (name) => {
      const r = await compare(name);
      expect(r.fast).not.toContain(PAIRS);
      expect(r.fast).not.toContain(GROUPED);
      expect(r.fast).toContain("did_describe");
    },
  );

  it("controls only: the same failure as the general path", async () => {
    const r = await compare("controls_only");
    expect(r.fast.slice(0, 2)).toEqual([PROBE, PAIRS]);
  });

  it("other standard errors and designs never probe", async () => {
    for (const extra of [{ se: "hc1" }, { se: "classical" }]) {
      const r = await fit("balanced", extra);
      expect(r.labels).not.toContain(PROBE);
    }
  });
});
