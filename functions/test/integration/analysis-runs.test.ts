import { beforeAll, describe, expect, it } from "vitest";
import { seedFirebase } from "../../src/demo/seed-firebase";
import { seedWarehouse } from "../../src/demo/seed-warehouse";
import { demoConfig, demoTruth } from "../../src/demo/synthetic";
import { firestore } from "../../src/platform/firestore/db";
import { api, eventually, requireEmulators, signIn, warehouse } from "../support/emulator-client";

// The demo data set exactly as `cfap seed` loads it (seeding skips a workspace that already has it).
const cfg = demoConfig();
const truth = demoTruth(cfg);
let token: string;

beforeAll(async () => {
  requireEmulators();
  await seedFirebase();
  await seedWarehouse(warehouse(), cfg, { maxFutureSkewMs: 300_000, maxAgeMs: 400 * 86_400_000 });
  token = await signIn("demo@cfap.dev", "demo-password");
}, 300_000);

const didParams = {
  outcome: { kind: "event_count", event_name: "purchase" },
  unit: { property: "geo" },
  period: "day",
  start: truth.start,
  end: truth.end,
  treatment: { treated_units: truth.treated_units, start: truth.treatment_start },
};

describe("analysis runs over HTTP on the seeded demo data", () => {
  it("goes queued → running → succeeded live, writes one result, and recovers the true effect", async () => {
    const key = `it-${Date.now()}`;
    const res = await api<{ job_id: string; status: string }>("POST", "/v1/analysis/run", {
      token,
      body: { workspace_id: "demo", model_name: "did", params: didParams, idempotency_key: key },
    });
    expect(res.status).toBe(202);
    const jobId = res.body.job_id;
    // The same idempotency key returns the same job, never a second run.
    const again = await api<{ job_id: string }>("POST", "/v1/analysis/run", {
      token,
      body: { workspace_id: "demo", model_name: "did", params: didParams, idempotency_key: key },
    });
    expect(again.body.job_id).toBe(jobId);

    // Watch the live status document like the dashboard does.
    const seen = new Set<string>();
    const unsubscribe = firestore()
      .doc(`workspaces/demo/jobs/${jobId}`)
      .onSnapshot((snap) => seen.add(String(snap.get("status"))));
    const final = await eventually(
      async () => {
        const r = await api<{ status: string; error: unknown }>(
          "GET",
          `/v1/jobs/${jobId}?workspace_id=demo`,
          { token },
        );
        return ["succeeded", "failed", "cancelled"].includes(r.body.status) ? r.body : undefined;
      },
      120_000,
      "job to finish",
    );
    unsubscribe();
    expect(final).toMatchObject({ status: "succeeded", error: null });
    expect(seen.has("succeeded")).toBe(true);

    const results = await api<{
      results: Array<{
        estimates: Array<{ term: string; estimate: number; ci_low: number; ci_high: number }>;
      }>;
    }>("GET", `/v1/results?workspace_id=demo&job_id=${jobId}`, { token });
    expect(results.status).toBe(200);
    expect(results.body.results).toHaveLength(1);
    const att = results.body.results[0].estimates.find((e) => e.term === "att")!;
    expect(att.ci_low).toBeLessThan(truth.true_att_purchases_per_geo_day);
    expect(att.ci_high).toBeGreaterThan(truth.true_att_purchases_per_geo_day);

    const { rows } = await warehouse().query<{ n: number }>({
      label: "it_results",
      sql: "SELECT COUNT(*) AS n FROM lift_analysis_results WHERE workspace_id = 'demo' AND job_id = $j",
      params: { j: jobId },
    });
    expect(rows[0].n).toBe(1);
  });

  it("answers bad params with a 400 naming the field, and bad data with a typed failure", async () => {
    const bad = await api<{ error: { issues: Array<{ path: string }> } }>("POST", "/v1/analysis/run", {
      token,
      body: { workspace_id: "demo", model_name: "did", params: { ...didParams, period: "fortnight" } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.some((i) => /period/.test(i.path))).toBe(true);

    const res = await api<{ job_id: string }>("POST", "/v1/analysis/run", {
      token,
      body: {
        workspace_id: "demo",
        model_name: "did",
        params: { ...didParams, treatment: { treated_units: ["no_such_geo"], start: truth.treatment_start } },
      },
    });
    expect(res.status).toBe(202);
    const final = await eventually(
      async () => {
        const r = await api<{ status: string; error: { code: string; message: string } | null }>(
          "GET",
          `/v1/jobs/${res.body.job_id}?workspace_id=demo`,
          { token },
        );
        return ["succeeded", "failed", "cancelled"].includes(r.body.status) ? r.body : undefined;
      },
      120_000,
      "job to fail",
    );
    expect(final.status).toBe("failed");
    expect(final.error?.code).toBe("insufficient_data");
    expect(final.error?.message).not.toMatch(/at .*\.js:\d+/);
  });
});
