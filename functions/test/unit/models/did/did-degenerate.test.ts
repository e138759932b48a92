import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDidOnWarehouse } from "../../../../src/models/did";
import { ModelFailure } from "../../../../src/models/model";
import type { RunErrorCode } from "../../../../src/contracts/result";
import { loadFixture, memoryWarehouse, type TestWarehouse } from "./helpers";

/** Degenerate inputs end in a typed ModelFailure with a clear message, never NaN in a success. */
let wh: TestWarehouse;

beforeAll(async () => {
  wh = await memoryWarehouse();
  await loadFixture(wh, "panel_balanced.csv", "b");
  const t = (name: string, select: string) =>
    wh.query({ label: "setup", sql: `CREATE TABLE ${name} AS ${select}` });
  await t("no_treated", "SELECT unit, t, y, 0 AS treated, post, x1 FROM b");
  await t("no_control", "SELECT unit, t, y, 1 AS treated, post, x1 FROM b");
  await t("one_period", "SELECT unit, 1 AS t, y, treated, post, x1 FROM b WHERE t = 5");
  await t("flat", "SELECT unit, t, 3.5 AS y, treated, post FROM b");
  await t(
    "dup_cov",
    "SELECT unit, t, y, treated, post, x1, 2 * x1 AS x2, treated AS tr_copy, 'one' AS c1 FROM b",
  );
  await t("no_post", "SELECT unit, t, y, treated, 0 AS post FROM b WHERE t < 5");
  await t("empty", "SELECT * FROM b WHERE false");
  await t("all_missing", "SELECT unit, t, CAST(NULL AS DOUBLE) AS y, treated, post FROM b");
  await t("bad_flag", "SELECT unit, t, y, treated * 2 AS treated, post FROM b");
  await t("few", "SELECT * FROM b WHERE unit IN ('u000','u001','u002','u003','u020','u021','u022','u023')");
  // Staggered with everyone adopting at the same time and no never-treated unit.
  await t("same_time", "SELECT unit, t, y, 5 AS ft FROM b");
});
afterAll(async () => wh.close());

const src = (table: string, extra: Record<string, unknown> = {}) => ({
  source: {
    kind: "table",
    table,
    outcome: "y",
    treated: "treated",
    post: "post",
    unit: "unit",
    time: "t",
    ...extra,
  },
});

async function failure(params: unknown): Promise<ModelFailure> {
  try {
    const out = await runDidOnWarehouse(wh, params);
    throw new Error(`expected a failure, got ${JSON.stringify(out.estimates)}`);
  } catch (e) {
    if (!(e instanceof ModelFailure)) throw e;
    return e;
  }
}

async function expectFailure(params: unknown, code: RunErrorCode, message: RegExp): Promise<void> {
  const e = await failure(params);
  expect(e.code).toBe(code);
  expect(e.message).toMatch(message);
}

describe("degenerate inputs", () => {
  it("no treated units", () => expectFailure(src("no_treated"), "insufficient_data", /no treated units/));
  it("no control units", () => expectFailure(src("no_control"), "insufficient_data", /no control/));
  it("one period", () => expectFailure(src("one_period"), "insufficient_data", /only 1 period/));
  it("no variance in the outcome", () =>
    expectFailure(src("flat"), "insufficient_data", /outcome does not vary/));
  it("no post-period observations", () => expectFailure(src("no_post"), "insufficient_data", /post period/));
  it("an empty table", () => expectFailure(src("empty"), "insufficient_data", /no rows/));
  it("every outcome missing", () => expectFailure(src("all_missing"), "insufficient_data", /no rows/));
  it("treated flag not 0/1", () => expectFailure(src("bad_flag"), "invalid_params", /0 or 1/));
  it("perfectly collinear covariates", () =>
    expectFailure(
      { ...src("dup_cov"), covariates: ["x1", "x2"] },
      "numerical_error",
      /collinear.*x1.*x2|collinear.*x2.*x1/,
    ));
  it("a covariate absorbed by the unit fixed effects", () =>
    expectFailure(
      { ...src("dup_cov"), covariates: ["tr_copy"] },
      "numerical_error",
      /tr_copy has no variation left after the unit and time fixed effects/,
    ));
  it("a 2x2 covariate collinear with the treated indicator", () =>
    expectFailure(
      { ...src("dup_cov"), design: "2x2", covariates: ["tr_copy"] },
      "numerical_error",
      /collinear/,
    ));
  it("fewer than two clusters", () =>
    expectFailure(
      { ...src("dup_cov", { cluster: "c1" }) },
      "insufficient_data",
      /at least 2 clusters, found 1/,
    ));
  it("treatment collinear with the time effects (everyone adopts at once)", () =>
    expectFailure(
      {
        source: {
          kind: "table",
          table: "same_time",
          outcome: "y",
          unit: "unit",
          time: "t",
          first_treated: "ft",
        },
      },
      "numerical_error",
      /att has no variation left/,
    ));
  it("an event-time dummy with no observations", () =>
    expectFailure(
      { ...src("b"), event_study: { leads: 6, lags: 1, endpoints: "trim" } },
      "numerical_error",
      /lead_6.*no treated observations at that event time/,
    ));
  it("invalid params", async () => {
    await expectFailure(
      { source: { kind: "table", table: "b", outcome: "y" } },
      "invalid_params",
      /treated and post/,
    );
    await expectFailure({ ...src("b"), se: "hc3" }, "invalid_params", /se/);
    await expectFailure(
      { source: { kind: "table", table: "b", outcome: "y", treated: "treated", post: "post" }, se: "cr1" },
      "invalid_params",
      /cluster/,
    );
  });

  it("few clusters: a success with a warning and finite numbers", async () => {
    const out = await runDidOnWarehouse(wh, src("few"));
    expect(out.warnings.join(" ")).toMatch(/Only 8 clusters/);
    for (const e of out.estimates) {
      for (const v of [e.estimate, e.std_error, e.ci_low, e.ci_high, e.p_value])
        expect(Number.isFinite(v)).toBe(true);
    }
    expect(out.estimates[0].df).toBe(7);
  });

  it("no unit and no cluster: 2x2 with HC1 and a warning", async () => {
    const out = await runDidOnWarehouse(wh, {
      source: { kind: "table", table: "b", outcome: "y", treated: "treated", post: "post" },
    });
    expect(out.diagnostics.design).toBe("2x2");
    expect((out.diagnostics.se as { type: string }).type).toBe("hc1");
    expect(out.warnings.join(" ")).toMatch(/HC1/);
  });
});
