import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpError } from "../../../../src/http/errors";
import { LocalRunError } from "../../../../src/runs/local-runner";
import type { DuckDbWarehouse } from "../../../../src/warehouse/duckdb";
import { byModel, memoryWarehouse, run } from "./helpers";

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The Shapley value by its definition: Σ_S |S|!(n−|S|−1)!/n! (v(S ∪ {i}) − v(S)) over all coalitions. */
function bruteForceShapley(journeys: { path: string[]; conv: number }[]): Record<string, number> {
  const players = [...new Set(journeys.flatMap((j) => j.path))].sort();
  const n = players.length;
  const bit = new Map(players.map((p, i) => [p, 1 << i]));
  const R = new Map<number, number>();
  for (const j of journeys) {
    const mask = j.path.reduce((m, c) => m | bit.get(c)!, 0);
    R.set(mask, (R.get(mask) ?? 0) + j.conv);
  }
  const v = (S: number) => [...R.entries()].reduce((a, [T, w]) => ((T & S) === T ? a + w : a), 0);
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const phi: Record<string, number> = {};
  players.forEach((p, i) => {
    let tot = 0;
    for (let S = 0; S < 1 << n; S++) {
      if (S & (1 << i)) continue;
      const size = popcount(S);
      tot += ((fact(size) * fact(n - size - 1)) / fact(n)) * (v(S | (1 << i)) - v(S));
    }
    phi[p] = tot;
  });
  return phi;
}

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

let wh: DuckDbWarehouse;
beforeAll(async () => {
  wh = await memoryWarehouse();
});
afterAll(async () => wh.close());

async function listTable(
  name: string,
  rows: { path: string[]; conv: number; nulls: number }[],
): Promise<void> {
  const values = rows
    .map((r) => `([${r.path.map((c) => `'${c}'`).join(", ")}], ${r.conv}, ${r.nulls})`)
    .join(", ");
  await wh.exec(`CREATE OR REPLACE TABLE ${name} AS SELECT * FROM (VALUES ${values}) t(path, conv, nulls)`);
}

const src = (table: string) => ({ kind: "table", table, path: "path", conversions: "conv", nulls: "nulls" });

describe("attribution invariants and failures", () => {
  it("simplified Shapley equals the coalition definition on random small inputs", async () => {
    const rand = rng(3);
    for (let trial = 0; trial < 8; trial++) {
      const channels = ["a", "b", "c", "d", "e", "f", "g"].slice(0, 2 + Math.floor(rand() * 6));
      const rows = Array.from({ length: 40 }, () => ({
        path: Array.from(
          { length: 1 + Math.floor(rand() * 5) },
          () => channels[Math.floor(rand() * channels.length)],
        ),
        conv: Math.floor(rand() * 4),
        nulls: 1,
      }));
      await listTable("shap", rows);
      const got = byModel(await run(wh, { source: src("shap"), models: ["shapley"] })).shapley;
      const want = bruteForceShapley(rows);
      for (const [ch, phi] of Object.entries(want)) expect(got[ch]?.c ?? 0).toBeCloseTo(phi, 10);
    }
  });

  it("fails with a typed error, quickly, when an order-k chain's exact solve would explode", async () => {
    const rand = rng(5);
    const channels = Array.from({ length: 12 }, (_, i) => `c${i}`);
    const rows = Array.from({ length: 4000 }, () => ({
      path: Array.from({ length: 1 + Math.floor(rand() * 8) }, () => channels[Math.floor(rand() * 12)]),
      conv: rand() < 0.3 ? 1 : 0,
      nulls: 1,
    }));
    await listTable("big", rows);
    const t0 = performance.now();
    const err = await run(wh, { source: src("big"), models: ["markov"], markov: { order: 4 } }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(LocalRunError);
    expect((err as LocalRunError).code).toBe("invalid_params");
    expect((err as LocalRunError).message).toMatch(/markov order 4 gives [\d,]+ states.*GFLOP/);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it("rejects negative conversions and data without conversions with typed errors", async () => {
    await listTable("neg", [{ path: ["a"], conv: -1, nulls: 2 }]);
    await expect(run(wh, { source: src("neg") })).rejects.toMatchObject({ code: "invalid_params" });
    await listTable("none", [{ path: ["a", "b"], conv: 0, nulls: 2 }]);
    await expect(run(wh, { source: src("none") })).rejects.toMatchObject({ code: "insufficient_data" });
  });

  it("time_decay alone without touch times is invalid; position shares over 1 fail validation", async () => {
    await listTable("td", [{ path: ["a", "b"], conv: 1, nulls: 0 }]);
    await expect(run(wh, { source: src("td"), models: ["time_decay"] })).rejects.toMatchObject({
      code: "invalid_params",
    });
    await expect(run(wh, { source: src("td"), position: { first: 0.7, last: 0.5 } })).rejects.toBeInstanceOf(
      HttpError,
    );
  });

  it("fractional counts are summed in fixed point (the integer fast path is redone)", async () => {
    await listTable("frac", [
      { path: ["a", "b"], conv: 1.5, nulls: 0 },
      { path: ["b"], conv: 0.25, nulls: 0.75 },
    ]);
    const r = await run(wh, { source: src("frac"), models: ["linear", "markov"] });
    const m = byModel(r);
    expect(m.linear.a.c).toBeCloseTo(0.75, 15);
    expect(m.linear.b.c).toBeCloseTo(1, 15);
    expect(m.markov.a.c + m.markov.b.c).toBeCloseTo(1.75, 14);
    // start → a .6, b .4; a → b 1; b → conversion 1.75/2.5: P = .7 = 1.75 / 2.5 journeys
    expect((r.diagnostics.markov as { conversion_probability: number }).conversion_probability).toBeCloseTo(
      0.7,
      14,
    );
  });

  it("fractional counts over string paths (one combined statement, then the fixed-point rerun)", async () => {
    await wh.exec(
      `CREATE OR REPLACE TABLE frac_s AS SELECT * FROM (VALUES ('a > b', 1.5, 0.0), ('b', 0.25, 0.75)) t(path, conv, nulls)`,
    );
    const r = await run(wh, { source: src("frac_s"), models: ["linear", "markov"] });
    const m = byModel(r);
    expect(m.linear.a.c).toBeCloseTo(0.75, 15);
    expect(m.linear.b.c).toBeCloseTo(1, 15);
    expect((r.diagnostics.markov as { conversion_probability: number }).conversion_probability).toBeCloseTo(
      0.7,
      14,
    );
  });

  it("without a nulls column Markov still attributes every conversion and warns", async () => {
    await wh.exec(
      `CREATE OR REPLACE TABLE nn AS SELECT * FROM (VALUES (['a', 'b'], 3), (['b'], 1), (['a'], 2)) t(path, conv)`,
    );
    const r = await run(wh, {
      source: { kind: "table", table: "nn", path: "path", conversions: "conv" },
      models: ["markov"],
    });
    expect(r.diagnostics.reconciles).toBe(true);
    const m = byModel(r).markov;
    expect(m.a.c + m.b.c).toBeCloseTo(6, 12);
    expect(m.a.v).toBeNull();
    expect(r.warnings.join(" ")).toMatch(/No non-converting journeys/);
  });
});
