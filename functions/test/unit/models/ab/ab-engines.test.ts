/**
 * Bayesian and sequential engines through the model, the events source (standard_events with
 * experiment_exposure events), degenerate inputs (typed failures, never NaN) and the CLI.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { analyzeAb } from "../../../../src/cli/commands/analyze-ab";
import { LocalRunError } from "../../../../src/runs/local-runner";
import type { DuckDbWarehouse } from "../../../../src/warehouse/duckdb";
import { openDuckDbWarehouse } from "../../../../src/warehouse/duckdb";
import { AB_FIXTURES, close, expectFinite, reference, runAb, warehouseWith } from "./helpers";

const C = reference.cases;
let wh: DuckDbWarehouse;
beforeAll(async () => {
  wh = await warehouseWith({ units: "units.csv" });
});
afterAll(async () => wh.close());
const table = (extra: Record<string, unknown>) => ({
  kind: "table",
  table: "units",
  variant: "variant",
  ...extra,
});

describe("ab engines", () => {
  it("Bayesian normal engine: flat prior = scipy norm on the Welch estimate; chance to beat and loss reported", async () => {
    const r = await runAb(wh, {
      source: table({ outcome: "revenue" }),
      control: "control",
      engine: "bayesian",
      cuped: false,
    });
    const e = r.estimates.find((x) => x.term === "a");
    const ref = C.normal_bayes.flat;
    close(e?.chance_to_beat_control, ref.chance_to_beat_control, 1e-9, "ctb");
    close(e?.expected_loss, ref.expected_loss, 1e-6, "loss");
    expect(e?.p_value).toBeNull();
    expectFinite(r);
  });

  it("Bayesian with segments: hierarchical lift with shrinkage in [0, 1]", async () => {
    const r = await runAb(wh, {
      source: table({ outcome: "converted", metric: "proportion", segment: "segment" }),
      control: "control",
      engine: "bayesian",
    });
    const h = r.diagnostics.hierarchical as {
      by_arm: Record<string, { segments: { shrinkage: number }[]; tau2: number }>;
    };
    expect(h.by_arm.a.segments).toHaveLength(4);
    for (const s of h.by_arm.a.segments) expect(s.shrinkage).toBeGreaterThanOrEqual(0);
    expectFinite(r);
  });

  it("confidence sequence: wider than the fixed-horizon interval, a series per look", async () => {
    const r = await runAb(wh, {
      source: table({ outcome: "revenue", covariate: "pre_revenue", time: "day" }),
      control: "control",
      sequential: { method: "confidence_sequence" },
    });
    const e = r.estimates.find((x) => x.term === "a");
    expect((e?.ci_high as number) - (e?.ci_low as number)).toBeGreaterThan(
      (e?.fixed_horizon_ci_high as number) - (e?.fixed_horizon_ci_low as number),
    );
    const seq = r.diagnostics.sequential as { looks: { look: number; arm: string }[] };
    expect(seq.looks.filter((l) => l.arm === "a")).toHaveLength(14);
    expectFinite(r);
  });

  it("group sequential: boundary at look 2 of 4", async () => {
    const r = await runAb(wh, {
      source: table({ outcome: "revenue" }),
      control: "control",
      sequential: { method: "group_sequential", looks: 4, look: 2 },
    });
    const gs = r.estimates[0].group_sequential as { boundary: number; reject: boolean };
    expect(gs.boundary).toBeGreaterThan(2.5);
  });
});

describe("ab degenerate inputs", () => {
  it("unknown control, one arm, zero variance, non-binary proportion → typed failures", async () => {
    const w = await openDuckDbWarehouse({ path: ":memory:" });
    try {
      await w.exec(`CREATE TABLE one AS SELECT 'c' AS v, 1.0 AS y FROM range(5)`);
      await w.exec(
        `CREATE TABLE flat AS SELECT CASE WHEN i % 2 = 0 THEN 'c' ELSE 't' END AS v, 3.0 AS y FROM range(10) r(i)`,
      );
      await w.exec(`CREATE TABLE tiny AS SELECT * FROM (VALUES ('c', 1.0), ('t', 2.0), ('t', 3.0)) t(v, y)`);
      const run = (tbl: string, extra: Record<string, unknown> = {}) =>
        runAb(w, {
          source: { kind: "table", table: tbl, variant: "v", outcome: "y", ...extra },
          control: "c",
        });
      await expect(run("one")).rejects.toMatchObject({ code: "insufficient_data" });
      await expect(run("flat")).rejects.toMatchObject({ code: "insufficient_data" });
      await expect(run("tiny")).rejects.toMatchObject({ code: "insufficient_data" });
      await expect(run("flat", { metric: "proportion" })).rejects.toMatchObject({ code: "invalid_params" });
      await expect(
        runAb(w, { source: { kind: "table", table: "flat", variant: "v", outcome: "y" }, control: "x" }),
      ).rejects.toBeInstanceOf(LocalRunError);
    } finally {
      await w.close();
    }
  });
});

describe("ab events source", () => {
  it("exposures from experiment_exposure events, revenue in the window, pre-period for CUPED", async () => {
    const w = await openDuckDbWarehouse({ path: ":memory:" });
    try {
      await w.ensureSchema();
      const day = (d: string) => `TIMESTAMP '2024-03-01' + to_days(${d})`;
      // 400 users: exposure on day 10 + (i % 5); revenue 5 days before and 3 days after.
      await w.exec(`INSERT INTO standard_events (workspace_id, event_id, event_name, event_ts, user_id, properties, revenue, received_at, channel, ingest_path)
        SELECT 'ws_test', 'x' || i, 'experiment_exposure', ${day("10 + i % 5")}, 'u' || i,
               json_object('experiment', 'exp1', 'variant', CASE WHEN i % 2 = 0 THEN 'control' ELSE 'treat' END), NULL, now(), 'direct', 'api'
        FROM range(400) r(i)`);
      await w.exec(`INSERT INTO standard_events (workspace_id, event_id, event_name, event_ts, user_id, properties, revenue, received_at, channel, ingest_path)
        SELECT 'ws_test', 'p' || i, 'purchase', ${day("5 + i % 5")}, 'u' || i, '{}', (i % 7) * 1.0, now(), 'direct', 'api' FROM range(400) r(i)
        UNION ALL
        SELECT 'ws_test', 'q' || i, 'purchase', ${day("13 + i % 5")}, 'u' || i, '{}', (i % 7) * 1.0 + (i % 2) * 0.5 + (i % 3), now(), 'direct', 'api' FROM range(400) r(i)`);
      const r = await runAb(w, {
        source: {
          kind: "events",
          experiment: "exp1",
          metric: { type: "mean", measure: { aggregate: "revenue_sum", event_name: "purchase" } },
        },
        control: "control",
      });
      expect(r.n_obs).toBe(400);
      expect(r.estimates[0].term).toBe("treat");
      expect((r.diagnostics.cuped as { theta: number }).theta).toBeGreaterThan(0.5);
      expectFinite(r);
    } finally {
      await w.close();
    }
  });
});

describe("cfap analyze ab", () => {
  it("prints the JSON envelope", async () => {
    const out: string[] = [];
    const spy = vi
      .spyOn(process.stdout, "write")
      .mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    try {
      const code = await analyzeAb([
        "--data",
        `${AB_FIXTURES}/units.csv`,
        "--variant",
        "variant",
        "--control",
        "control",
        "--outcome",
        "revenue",
        "--covariate",
        "pre_revenue",
        "--json",
      ]);
      expect(code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const env = JSON.parse(out.join(""));
    close(env.diagnostics.cuped.theta, C.cuped_revenue.theta, 1e-10, "theta");
    expect(env.diagnostics.srm.p_value).toBeGreaterThan(0.001);
  });
});
