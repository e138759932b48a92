/**
 * Everything that could crash deep in an optimiser is caught up front with a typed error naming
 * the unit, period or variable (small_panel.csv: donor D misses week 2, donor E has no `pop`,
 * donor C misses `pop` in weeks 3–4).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpError } from "../../../../src/http/errors";
import { LocalRunError } from "../../../../src/runs/local-runner";
import type { RunErrorCode } from "../../../../src/contracts/result";
import { run, warehouseWith, type Wh } from "./helpers";

let wh: Wh;
beforeAll(async () => {
  wh = await warehouseWith({ small: "small_panel.csv" });
  await wh.query({
    label: "t",
    sql: "CREATE TABLE dup AS SELECT * FROM small UNION ALL SELECT * FROM small WHERE geo = 'B' AND week = 3",
  });
  await wh.query({
    label: "t",
    sql: "CREATE TABLE tgap AS SELECT * FROM small WHERE NOT (geo = 'A' AND week = 2)",
  });
});
afterAll(async () => wh.close());

const base = (extra: Record<string, unknown> = {}) => ({
  source: { kind: "table", table: "small", unit: "geo", time: "week", outcome: "sales" },
  treated_units: ["A"],
  treatment_start: 5,
  ...extra,
});

async function failure(
  params: Record<string, unknown>,
): Promise<{ code: RunErrorCode | "http"; message: string }> {
  try {
    await run(wh, params);
  } catch (e) {
    if (e instanceof LocalRunError) return { code: e.code, message: e.message };
    if (e instanceof HttpError) return { code: "http", message: JSON.stringify(e.response.body) };
    throw e;
  }
  throw new Error("expected a failure");
}

describe("validated up front", () => {
  it("an unknown treated unit", async () =>
    expect(await failure(base({ treated_units: ["Z"] }))).toMatchObject({
      code: "invalid_params",
      message: expect.stringMatching(/"Z".*not in the data/),
    }));
  it("duplicate unit-periods", async () =>
    expect(
      await failure(
        base({ source: { kind: "table", table: "dup", unit: "geo", time: "week", outcome: "sales" } }),
      ),
    ).toMatchObject({
      code: "invalid_params",
      message: expect.stringMatching(/"B" has more than one row for period 3/),
    }));
  it("one pre period", async () =>
    expect(await failure(base({ treatment_start: 2 }))).toMatchObject({
      code: "insufficient_data",
      message: expect.stringMatching(/only 1 pre-treatment/),
    }));
  it("no post period", async () =>
    expect(await failure(base({ treatment_start: 7 }))).toMatchObject({
      code: "insufficient_data",
      message: expect.stringMatching(/no post-treatment/),
    }));
  it("a gap in the treated series", async () =>
    expect(
      await failure(
        base({ source: { kind: "table", table: "tgap", unit: "geo", time: "week", outcome: "sales" } }),
      ),
    ).toMatchObject({
      code: "insufficient_data",
      message: expect.stringMatching(/"A" has no outcome in period\(s\) "2"/),
    }));
  it("donor gaps as an error on request", async () =>
    expect(await failure(base({ donor_gaps: "error" }))).toMatchObject({
      code: "insufficient_data",
      message: expect.stringMatching(/donor "D"/),
    }));
  it("too few donors left", async () =>
    expect(await failure(base({ donors: ["B", "D"] }))).toMatchObject({
      code: "insufficient_data",
      message: expect.stringMatching(/only 1 usable donor/),
    }));
  it("adh without predictors is a params error", async () =>
    expect((await failure(base({ method: "adh" }))).code).toBe("http"));
  it("a predictor window reaching into the post period", async () =>
    expect(
      await failure(base({ method: "adh", predictors: [{ variable: "pop", from: 1, to: 5 }] })),
    ).toMatchObject({
      code: "invalid_params",
      message: expect.stringMatching(/post-treatment/),
    }));
  it("an unknown predictor column is a clean error, not a SQL stack", async () => {
    const f = await failure(base({ method: "adh", predictors: ["nope"] }));
    expect(["invalid_params", "warehouse_error"]).toContain(f.code);
  });
});

describe("handled with warnings", () => {
  it("a donor with gaps is dropped and named", async () => {
    const r = await run(wh, base());
    expect(r.warnings.join(" ")).toMatch(/dropped 1 donor.*D \(missing outcome/);
    expect(Object.keys(r.diagnostics.weights as object).sort()).toEqual(["B", "C", "E"]);
    expect(r.warnings.join(" ")).toMatch(/smallest attainable p-value is 1\/4/);
  });

  it("covariates with missing years: window means over available years; a donor without any is dropped", async () => {
    const r = await run(
      wh,
      base({ method: "adh", predictors: ["pop", { variable: "sales", from: 1, to: 4 }] }),
    );
    expect(r.warnings.join(" ")).toMatch(/E \(no value of predictor\(s\) pop\)/);
    const preds = r.diagnostics.predictors as { name: string; donor_mean: number }[];
    // C's pop mean uses weeks 1–2 only (6), B 4, → donor mean over B, C = 5
    expect(preds.find((p) => p.name === "pop")!.donor_mean).toBeCloseTo(5, 12);
  });

  it("several treated units, aggregated or per unit, never use each other as donors", async () => {
    const agg = await run(wh, base({ treated_units: ["A", "B"], inference: "conformal" }));
    expect(Object.keys(agg.diagnostics.weights as object).sort()).toEqual(["C", "E"]);
    const per = await run(
      wh,
      base({ treated_units: ["A", "B"], multiple: "per_unit", inference: "conformal" }),
    );
    const terms = per.estimates.map((e) => e.term);
    expect(terms).toEqual(expect.arrayContaining(["att", "att:A", "att:B"]));
    const a = per.estimates.find((e) => e.term === "att:A")!.estimate;
    const b = per.estimates.find((e) => e.term === "att:B")!.estimate;
    expect(per.estimates.find((e) => e.term === "att")!.estimate).toBeCloseTo((a + b) / 2, 12);
  });

  it("no NaN anywhere in a success", async () => {
    const r = await run(wh, base({ method: "augmented" }));
    const json = JSON.stringify(r);
    expect(json).not.toMatch(/NaN/);
    for (const e of r.estimates) expect(Number.isFinite(e.estimate)).toBe(true);
  });
});
