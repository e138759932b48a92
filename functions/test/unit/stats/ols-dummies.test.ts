/**
 * The stats module on its own, in memory: an explicit dummy-variable design (intercept, U−1 unit
 * and T−1 time dummies, D, x1) built in JavaScript from the unbalanced fixture, cross-products and
 * meats computed row by row, then solveOls + coefficientCovariance + coefficientTable — compared
 * with statsmodels' `y ~ D + x1 + C(unit) + C(t)` (reference.json, did_reference.py).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { coefficientCovariance, coefficientTable, solveOls, type SeType } from "../../../src/stats";

const FIX = join(__dirname, "../../fixtures/did");
const reference = JSON.parse(readFileSync(join(FIX, "reference.json"), "utf8")) as {
  cases: Record<
    string,
    {
      terms: Record<
        string,
        { estimate: number; std_error: number; p_value: number; ci_low: number; ci_high: number }
      >;
      k: number;
      n_obs: number;
      df_inference: number;
    }
  >;
};

function readCsv(file: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(join(FIX, file), "utf8").trim().split("\n");
  const cols = head.split(",").map((c) => c.replace(/"/g, ""));
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v.replace(/"/g, "")])));
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("OLS with explicit dummies in memory matches statsmodels (unbalanced panel)", () => {
  const rows = readCsv("panel_unbalanced.csv").filter((r) => r.y !== "NA");
  const units = [...new Set(rows.map((r) => r.unit))].sort();
  const times = [...new Set(rows.map((r) => Number(r.t)))].sort((a, b) => a - b);
  const names = [
    "D",
    "x1",
    "_cons",
    ...units.slice(1).map((u) => `u:${u}`),
    ...times.slice(1).map((t) => `t:${t}`),
  ];
  const X = rows.map((r) => [
    Number(r.post),
    Number(r.x1),
    1,
    ...units.slice(1).map((u) => (r.unit === u ? 1 : 0)),
    ...times.slice(1).map((t) => (Number(r.t) === t ? 1 : 0)),
  ]);
  const y = rows.map((r) => Number(r.y));
  const k = names.length;
  const n = rows.length;
  const xtx = names.map((_, i) => names.map((__, j) => X.reduce((s, x) => s + x[i] * x[j], 0)));
  const xty = names.map((_, i) => X.reduce((s, x, r) => s + x[i] * y[r], 0));
  const sol = solveOls({ names, xtx, xty, n });
  const e = X.map((x, r) => y[r] - x.reduce((s, v, j) => s + v * sol.beta[j], 0));
  const ssr = e.reduce((s, v) => s + v * v, 0);
  const scores = new Map<string, number[]>();
  X.forEach((x, r) => {
    const s = scores.get(rows[r].unit) ?? new Array<number>(k).fill(0);
    x.forEach((v, j) => (s[j] += v * e[r]));
    scores.set(rows[r].unit, s);
  });
  const clusterMeat = names.map((_, i) =>
    names.map((__, j) => [...scores.values()].reduce((s, g) => s + g[i] * g[j], 0)),
  );
  const hcMeat = names.map((_, i) =>
    names.map((__, j) => X.reduce((s, x, r) => s + e[r] * e[r] * x[i] * x[j], 0)),
  );

  it("has the statsmodels K", () => {
    expect(k).toBe(reference.cases.unbalanced_twfe_cov_cr1.k);
    expect(n).toBe(reference.cases.unbalanced_twfe_cov_cr1.n_obs);
  });

  for (const se of ["cr1", "hc1", "classical"] as SeType[]) {
    it(`${se}`, () => {
      const cov = coefficientCovariance({
        type: se,
        bread: sol.xtxInv,
        meat: se === "cr1" ? clusterMeat : hcMeat,
        ssr,
        n,
        k,
        clusters: scores.size,
      });
      const ref = reference.cases[`unbalanced_twfe_cov_${se}`];
      expect(cov.df).toBe(ref.df_inference);
      const table = coefficientTable(names, sol.beta, cov.vcov, cov.df, 0.05);
      for (const [term, name] of [
        ["att", "D"],
        ["x1", "x1"],
      ] as const) {
        const row = table.find((r) => r.term === name)!;
        const r = ref.terms[term];
        expect(rel(row.estimate, r.estimate)).toBeLessThan(1e-6);
        expect(rel(row.std_error, r.std_error)).toBeLessThan(1e-6);
        expect(rel(row.p_value, r.p_value)).toBeLessThan(1e-6);
        expect(rel(row.ci_low, r.ci_low)).toBeLessThan(1e-6);
        expect(rel(row.ci_high, r.ci_high)).toBeLessThan(1e-6);
      }
    });
  }
});
