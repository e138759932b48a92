/**
 * The model's warehouse queries. Each returns a handful of rows whatever the number of journeys:
 *  - totals: input conversions, value, nulls, journeys, and rows that cannot be attributed;
 *  - touches: conversions and value per (channel, position, path length) and per (channel, rank of
 *    first touch, distinct channels), from which every heuristic and both Shapley variants follow
 *    (stats/attribution/credits), plus the time-decay sums when touches have ages;
 *  - transitions: the order-k Markov chain's weighted transitions and terminal weights per state.
 * Sums are exact (integers, or fixed point with 18 decimals) so reruns are bit-identical.
 */
import type { SqlQuery, SqlValue } from "../../warehouse/warehouse";
import type { Dialect } from "../../warehouse/sql/dialect";
import type { JourneySql } from "./journeys";
import { listSql } from "./sqlx";

export interface TouchWeights {
  /** Position-based shares of the first and last touch. */
  first: number;
  last: number;
  halfLifeDays: number;
}

/** Fixed-point scale of the warehouse sums (see ListSql.exactSum): terms are rounded to 10^-18 (totals up to 10^20). */
const SCALE = 18;

function withJ(j: JourneySql, ...ctes: string[]): string {
  return `WITH ${j.ctes}${ctes.length ? ",\n" + ctes.join(",\n") : ""}\n`;
}

/**
 * A query with its parts kept, so several can run as one statement over journeys built once
 * (combineQueries): its own CTEs, its SELECT, and the types of its output columns.
 */
export interface PartQuery extends SqlQuery {
  ctes: string[];
  select: string;
  columns: Record<string, "string" | "double">;
}

function part(
  label: string,
  j: JourneySql,
  params: Record<string, SqlValue>,
  ctes: string[],
  select: string,
  columns: Record<string, "string" | "double">,
): PartQuery {
  return { label, params, sql: withJ(j, ...ctes) + select, ctes, select, columns };
}

const doubles = (...names: string[]) => Object.fromEntries(names.map((n) => [n, "double" as const]));

export function totalsQuery(j: JourneySql, d: Dialect): PartQuery {
  const L = listSql(d);
  const f = d.toFloat;
  const empty = `${L.len("path")} = 0 OR path IS NULL`;
  return part(
    "attribution_totals",
    j,
    j.params,
    [],
    `SELECT ${f("COUNT(*)")} AS n_rows, ${L.exactSum("conv", SCALE)} AS conv, ${L.exactSum("val", SCALE)} AS val, ` +
      `${L.exactSum("nulls", SCALE)} AS nulls, ` +
      `${f(`SUM(CASE WHEN conv < 0 OR nulls < 0 THEN 1 ELSE 0 END)`)} AS n_negative, ` +
      `${f(`SUM(CASE WHEN ${empty} THEN 1 ELSE 0 END)`)} AS n_empty, ` +
      `${L.exactSum(`CASE WHEN ${empty} THEN conv ELSE 0 END`, SCALE)} AS conv_empty, ` +
      `${L.exactSum(`CASE WHEN ${empty} THEN val ELSE 0 END`, SCALE)} AS val_empty, ` +
      `${f(`SUM(CASE WHEN ages IS NOT NULL AND ${L.len("ages")} <> ${L.len("path")} AND conv > 0 THEN 1 ELSE 0 END)`)} AS n_age_mismatch, ` +
      `${f(`SUM(CASE WHEN conv > 0 AND NOT (${empty}) AND ages IS NULL THEN 1 ELSE 0 END)`)} AS n_no_ages, ` +
      `${f(`SUM(CASE WHEN conv <> FLOOR(conv) OR nulls <> FLOOR(nulls) THEN 1 ELSE 0 END)`)} AS n_fractional, ` +
      `${f(`MAX(${L.len("path")})`)} AS max_len FROM j_all`,
    doubles(
      "n_rows",
      "conv",
      "val",
      "nulls",
      "n_negative",
      "n_empty",
      "conv_empty",
      "val_empty",
      "n_age_mismatch",
      "n_no_ages",
      "n_fractional",
      "max_len",
    ),
  );
}

/** How to sum conversion and null counts exactly: as integers when every count is whole, else in fixed point. */
export type CountSum = "integer" | "fixed";

function countSum(L: ReturnType<typeof listSql>, expr: string, kind: CountSum): string {
  return kind === "integer" ? L.intSum(expr) : L.exactSum(expr, SCALE);
}

/**
 * Converting touches grouped three ways (GROUPING SETS, one pass):
 *   g = 0  (ch, i, n): conversions and value at position i of paths of n touches;
 *   g = 1  (ch, k, m): the same on first occurrences, k = rank of ch among the path's m distinct
 *          channels in order of first touch (k NULL for repeats: ignored);
 *   g = 2  (ch): time-decay sums Σ conv·2^(−age_i/h) / Σ_j 2^(−age_j/h) (and val), when there are ages.
 * The model weights (first, last, linear, position, Shapley) depend only on (i, n) and (k, m), so
 * they are applied to these few sums in the function, not per touch in the warehouse.
 */
export function touchesQuery(j: JourneySql, d: Dialect, halfLifeDays: number, counts: CountSum): PartQuery {
  const L = listSql(d);
  const p = d.param;
  const params: Record<string, SqlValue> = {
    ...j.params,
    // DuckDB refuses parameters the SQL does not use.
    ...(j.hasAges ? { att_h: halfLifeDays } : {}),
  };
  const f = (e: string) => d.toFloat(e);
  const td = `CASE WHEN ages IS NULL OR ${L.len("ages")} <> n THEN NULL ELSE pow(2.0, -${L.at("ages", "i")} / ${p("att_h")}) / tdsum END`;
  const u = L.unnest("path", "ch", "i");
  const t = [
    // Only converting journeys carry credit; non-converting ones matter to Markov alone.
    `jt AS (SELECT path, conv, val, ages, ${L.len("path")} AS n, ${L.distinctOrdered("path")} AS dl, ` +
      (j.hasAges ? `CASE WHEN ages IS NULL THEN NULL ELSE ${L.decaySum("ages", p("att_h"))} END` : "NULL") +
      ` AS tdsum FROM j WHERE conv > 0)`,
    `tu AS (SELECT path, dl, conv, val, ages, n, tdsum, ${u.select} FROM jt${u.from})`,
    `tt AS (SELECT ch, i, n, conv, val, ${j.hasAges ? td : "NULL"} AS tdw, ` +
      `CASE WHEN ${L.firstAt("path", "ch", "i")} THEN ${L.positionOf("dl", "ch")} END AS k, ${L.len("dl")} AS m FROM tu)`,
  ];
  const tdCols = j.hasAges
    ? `, ${L.exactSum("conv * tdw", SCALE)} AS td_c, ${L.exactSum("val * tdw", SCALE)} AS td_v`
    : "";
  return part(
    "attribution_touches",
    j,
    params,
    t,
    `SELECT ${f("GROUPING(i) * 8 + GROUPING(n) * 4 + GROUPING(k) * 2 + GROUPING(m)")} AS gb, ch, ${f("i")} AS i, ${f("n")} AS n, ${f("k")} AS k, ${f("m")} AS m, ` +
      `${countSum(L, "conv", counts)} AS c, ${L.exactSum("val", SCALE)} AS v${tdCols} ` +
      `FROM tt GROUP BY GROUPING SETS ((ch, i, n), (ch, k, m)${j.hasAges ? ", (ch)" : ""})`,
    { ...doubles("gb", "i", "n", "k", "m", "c", "v", ...(j.hasAges ? ["td_c", "td_v"] : [])), ch: "string" },
  );
}

/**
 * The order-k chain. State at touch i = the last min(i, k) channels; the pair (s_{i−1}, s_i) is the
 * window c_0 … c_k = path[i−k … i] (NULL before the start). Rows:
 *   e = 0: window c_0 … c_k and the weight w = Σ (conv + nulls) of the transition s_{i−1} → s_i
 *          ((start) → s₁ when c_0 … c_{k−1} are all NULL);
 *   e = 1: the last state c_1 … c_k of each path with Σ conv → (conversion), Σ nulls → (null) and Σ val.
 * `collapse`: consecutive repeats are dropped first (order 1: by leaving out self-transitions, which
 * keeps the terminal counts; higher orders: on the collapsed list).
 */
export function transitionsQuery(
  j: JourneySql,
  d: Dialect,
  order: number,
  collapse: boolean,
  counts: CountSum,
): PartQuery {
  const L = listSql(d);
  const path = collapse && order > 1 ? L.collapse("path") : "path";

  const cs = Array.from({ length: order + 1 }, (_, x) => `c_${x}`);
  const last = Array.from(
    { length: order },
    (_, x) => `${L.atOrNull("cp", `${L.len("cp")} - ${order - 1 - x}`)} AS c_${x + 1}`,
  );
  const noSelf = collapse && order === 1 ? ` WHERE c_0 IS NULL OR c_0 <> c_1` : "";
  const zero = d.toFloat("0");
  return part(
    "attribution_transitions",
    j,
    j.params,
    [
      `jm AS (SELECT ${path} AS cp, conv, val, nulls FROM j)`,
      `mu AS (${L.windowRows("cp", order, "conv + nulls AS wt", "jm")})`,
      `me AS (SELECT conv, nulls, val, ${last.join(", ")} FROM jm)`,
    ],
    `SELECT ${zero} AS e, ${cs.join(", ")}, ${countSum(L, "wt", counts)} AS w, ${zero} AS tc, ${zero} AS tn, ${zero} AS tv ` +
      `FROM mu${noSelf} GROUP BY ${cs.join(", ")}
` +
      `UNION ALL SELECT ${d.toFloat("1")} AS e, CAST(NULL AS STRING) AS c_0, ${cs.slice(1).join(", ")}, ${zero} AS w, ` +
      `${countSum(L, "conv", counts)} AS tc, ${countSum(L, "nulls", counts)} AS tn, ${L.exactSum("val", SCALE)} AS tv ` +
      `FROM me GROUP BY ${cs.slice(1).join(", ")}`,
    {
      ...doubles("e", "w", "tc", "tn", "tv"),
      ...Object.fromEntries(cs.map((c) => [c, "string" as const])),
    },
  );
}

/**
 * Several part queries as one statement: the journeys CTEs once, every part's CTEs, and a UNION ALL
 * of the parts' rows (column `part` = the part's label, NULL in columns a part does not have). The
 * warehouse then builds the journeys once instead of once per query — what counts when journeys come
 * from standard_events (identity joins, windows, list aggregation).
 */
export function combineQueries(j: JourneySql, d: Dialect, parts: readonly PartQuery[]): SqlQuery {
  const columns = new Map<string, "string" | "double">();
  for (const p of parts) for (const [c, t] of Object.entries(p.columns)) columns.set(c, t);
  const nul = (t: "string" | "double") => (t === "string" ? "CAST(NULL AS STRING)" : d.toFloat("NULL"));
  const selects = parts.map(
    (p, i) =>
      `SELECT '${p.label}' AS part, ${[...columns]
        .map(([c, t]) => (c in p.columns ? `x${i}.${c}` : `${nul(t)} AS ${c}`))
        .join(", ")} FROM (${p.select}) x${i}`,
  );
  const params: Record<string, SqlValue> = {};
  for (const p of parts) Object.assign(params, p.params ?? {});
  return {
    label: "attribution_combined",
    params,
    sql: withJ(j, ...parts.flatMap((p) => p.ctes)) + selects.join("\nUNION ALL "),
  };
}
