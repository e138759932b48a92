/**
 * Test helpers: an in-memory DuckDB behind the Warehouse query port, the committed fixtures and
 * their statsmodels reference numbers, and a relative-tolerance comparison.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { QueryResult, SqlQuery } from "../../../../src/warehouse/warehouse";
import { FIXTURES, type TestWarehouse } from "./duckdb";

export { FIXTURES, loadFixture, memoryWarehouse, type TestWarehouse } from "./duckdb";

export interface RefTerm {
  estimate: number;
  std_error: number;
  t_stat: number;
  p_value: number;
  ci_low: number;
  ci_high: number;
}
export interface RefWald {
  q: number;
  f_stat: number;
  f_df_num: number;
  f_df_denom: number;
  f_p_value: number;
  chi2_stat: number;
  chi2_df: number;
  chi2_p_value: number;
}
export interface RefCase {
  terms: Record<string, RefTerm>;
  n_obs: number;
  k: number;
  df_resid: number;
  df_inference: number;
  pretrend?: RefWald;
}

interface ReferenceFile {
  provenance: Record<string, unknown>;
  cases: Record<string, unknown>;
}

export const reference: ReferenceFile = JSON.parse(readFileSync(join(FIXTURES, "reference.json"), "utf8"));

export function refCase(name: string): RefCase {
  const c = reference.cases[name];
  if (!c) throw new Error(`no reference case ${name}`);
  return c as RefCase;
}

/** |actual − expected| ≤ rel · |expected| (absolute `rel` when expected is 0). */
export function expectClose(actual: unknown, expected: number, rel = 1e-6, what = ""): void {
  expect(typeof actual, what).toBe("number");
  const a = actual as number;
  const tol = rel * Math.max(Math.abs(expected), Number.MIN_VALUE);
  if (!(Math.abs(a - expected) <= tol)) {
    throw new Error(`${what}: ${a} is not within ${rel} (relative) of ${expected}; diff ${a - expected}`);
  }
}

export interface EstimateLike {
  term: string;
  estimate: number;
  std_error: number | null;
  ci_low: number | null;
  ci_high: number | null;
  p_value: number | null;
  df?: number | null;
  [k: string]: unknown;
}

/** Compares every term of a reference case with the model's estimates. */
export function expectMatchesReference(
  estimates: EstimateLike[],
  ref: RefCase,
  label: string,
  rel = 1e-6,
): void {
  for (const [term, r] of Object.entries(ref.terms)) {
    const e = estimates.find((x) => x.term === term);
    if (!e) throw new Error(`${label}: no estimate for ${term}`);
    expectClose(e.estimate, r.estimate, rel, `${label} ${term} estimate`);
    expectClose(e.std_error, r.std_error, rel, `${label} ${term} std_error`);
    expectClose(e.p_value, r.p_value, rel, `${label} ${term} p_value`);
    expectClose(e.ci_low, r.ci_low, rel, `${label} ${term} ci_low`);
    expectClose(e.ci_high, r.ci_high, rel, `${label} ${term} ci_high`);
    expect(e.df, `${label} ${term} df`).toBe(ref.df_inference);
  }
}

/** The warehouse behind `wh()` that records each query's label into `labels` (which passes ran). */
export function labelledWarehouse(wh: () => TestWarehouse, labels: string[]) {
  return {
    kind: wh().kind,
    dialect: wh().dialect,
    query: <T>(q: SqlQuery): Promise<QueryResult<T>> => {
      labels.push(q.label);
      return wh().query<T>(q);
    },
  };
}
