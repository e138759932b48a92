/**
 * The model's warehouse queries. Each returns a handful of rows whatever the number of journeys:
 *  - totals: input conversions, value, nulls, journeys, and rows that cannot be attributed;
 *  - touches: one row per (channel, first-occurrence rank) with the sums every heuristic and both
 *    Shapley variants need (one unnest of the journeys, one GROUP BY);
 *  - transitions: the order-k Markov chain's weighted transitions and terminal weights per state.
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

export function totalsQuery(j: JourneySql, d: Dialect): SqlQuery {
  const L = listSql(d);
  const f = d.toFloat;
  const empty = `${L.len("path")} = 0 OR path IS NULL`;
  return {
    label: "attribution_totals",
    params: j.params,
    sql:
      withJ(j) +
      `SELECT ${f("COUNT(*)")} AS n_rows, ${L.exactSum("conv", SCALE)} AS conv, ${L.exactSum("val", SCALE)} AS val, ` +
      `${L.exactSum("nulls", SCALE)} AS nulls, ` +
      `${f(`SUM(CASE WHEN conv < 0 OR nulls < 0 THEN 1 ELSE 0 END)`)} AS n_negative, ` +
      `${f(`SUM(CASE WHEN ${empty} THEN 1 ELSE 0 END)`)} AS n_empty, ` +
      `${L.exactSum(`CASE WHEN ${empty} THEN conv ELSE 0 END`, SCALE)} AS conv_empty, ` +
      `${L.exactSum(`CASE WHEN ${empty} THEN val ELSE 0 END`, SCALE)} AS val_empty, ` +
      `${f(`SUM(CASE WHEN ages IS NOT NULL AND ${L.len("ages")} <> ${L.len("path")} AND conv > 0 THEN 1 ELSE 0 END)`)} AS n_age_mismatch, ` +
      `${f(`SUM(CASE WHEN conv > 0 AND NOT (${empty}) AND ages IS NULL THEN 1 ELSE 0 END)`)} AS n_no_ages, ` +
      `${f(`MAX(${L.len("path")})`)} AS max_len FROM j_all`,
  };
}

/**
 * Per touch (channel ch at position i of a path of n touches, m distinct channels; k = rank of ch
 * among the path's distinct channels in order of first occurrence, NULL for repeats):
 *   first      conv·[i = 1]
 *   last       conv·[i = n]
 *   linear     conv/n
 *   position   conv·w(i, n): n = 1 → 1; n = 2 → first/(first+last), last/(first+last);
 *              else first, last at the ends and (1 − first − last)/(n − 2) in between
 *   time_decay conv·2^(−age_i/h) / Σ_j 2^(−age_j/h)
 *   shapley    conv/m on first occurrences (Zhao et al. 2018, eq. 8), by rank k (their ordered variant)
 * and the same with val for value.
 */
export function touchesQuery(j: JourneySql, d: Dialect, w: TouchWeights): SqlQuery {
  const L = listSql(d);
  const p = d.param;
  const params: Record<string, SqlValue> = {
    ...j.params,
    att_pf: w.first,
    att_pl: w.last,
    // DuckDB refuses parameters the SQL does not use.
    ...(j.hasAges ? { att_h: w.halfLifeDays } : {}),
  };
  const f = (e: string) => d.toFloat(e);
  const pos =
    `CASE WHEN n = 1 THEN 1.0 WHEN n = 2 THEN (CASE WHEN i = 1 THEN ${p("att_pf")} ELSE ${p("att_pl")} END) / (${p("att_pf")} + ${p("att_pl")}) ` +
    `WHEN i = 1 THEN ${p("att_pf")} WHEN i = n THEN ${p("att_pl")} ELSE (1.0 - ${p("att_pf")} - ${p("att_pl")}) / (n - 2) END`;
  const td = `CASE WHEN ages IS NULL OR ${L.len("ages")} <> n THEN NULL ELSE pow(2.0, -${L.at("ages", "i")} / ${p("att_h")}) / tdsum END`;
  const u = L.unnest("path", "ch", "i");
  const t = [
    // Only converting journeys carry credit; non-converting ones matter to Markov alone.
    `jt AS (SELECT path, conv, val, ages, ${f(L.len("path"))} AS n, ${L.distinctOrdered("path")} AS dl, ` +
      (j.hasAges ? `CASE WHEN ages IS NULL THEN NULL ELSE ${L.decaySum("ages", p("att_h"))} END` : "NULL") +
      ` AS tdsum FROM j WHERE conv > 0)`,
    `tu AS (SELECT path, dl, conv, val, ages, n, tdsum, ${u.select} FROM jt${u.from})`,
    // k: rank of ch among the journey's distinct channels in order of first touch (first occurrences only).
    `tt AS (SELECT ch, i, n, conv, val, ${j.hasAges ? td : "NULL"} AS tdw, ` +
      `CASE WHEN ${L.firstAt("path", "ch", "i")} THEN ${L.positionOf("dl", "ch")} END AS k, ` +
      `CASE WHEN ${L.firstAt("path", "ch", "i")} THEN 1.0 / ${f(L.len("dl"))} ELSE 0.0 END AS sw FROM tu)`,
  ];
  const sums = (name: string, weight: string) =>
    `${L.exactSum(`conv * (${weight})`, SCALE)} AS ${name}_c, ${L.exactSum(`val * (${weight})`, SCALE)} AS ${name}_v`;
  const cols = [
    sums("first", "CASE WHEN i = 1 THEN 1.0 ELSE 0.0 END"),
    sums("last", "CASE WHEN i = n THEN 1.0 ELSE 0.0 END"),
    sums("linear", "1.0 / n"),
    sums("position", pos),
    sums("td", "tdw"),
    sums("shapley", "sw"),
  ];
  return {
    label: "attribution_touches",
    params,
    sql: withJ(j, ...t) + `SELECT ch, k, ${cols.join(", ")} FROM tt GROUP BY ch, k`,
  };
}

/**
 * The order-k chain. State at touch i = the last min(i, k) channels; the pair (s_{i−1}, s_i) is the
 * window c_0 … c_k = path[i−k … i] (NULL before the start), so the GROUP BY runs on the channel
 * columns themselves, not on built keys. Each journey adds its weight conv + nulls to (start) → s₁
 * and to every s_{i−1} → s_i, conv to s_n → (conversion), nulls to s_n → (null), val to s_n's value.
 * `collapse`: consecutive repeats are dropped first (order 1: by giving self-transitions weight 0,
 * which keeps the terminal counts; higher orders: on the collapsed list).
 */
export function transitionsQuery(j: JourneySql, d: Dialect, order: number, collapse: boolean): SqlQuery {
  const L = listSql(d);
  const path = collapse && order > 1 ? L.collapse("path") : "path";
  const u = L.unnest("cp", "ch", "i");
  const window = Array.from({ length: order + 1 }, (_, x) =>
    x === order ? "ch AS c_" + x : `${L.atOrNull("cp", `i - ${order - x}`)} AS c_${x}`,
  );
  const selfLoop =
    collapse && order === 1 ? `CASE WHEN c_0 = c_1 THEN 0.0 ELSE conv + nulls END` : "conv + nulls";
  const cs = Array.from({ length: order + 1 }, (_, x) => `c_${x}`).join(", ");
  return {
    label: "attribution_transitions",
    params: j.params,
    sql:
      withJ(
        j,
        `jm AS (SELECT ${path} AS cp, conv, val, nulls FROM j)`,
        `mu AS (SELECT cp, conv, val, nulls, ${u.select} FROM jm${u.from})`,
        `mt AS (SELECT ${window.join(", ")}, CASE WHEN i = ${L.len("cp")} THEN 1 ELSE 0 END AS fin, conv, val, nulls FROM mu)`,
      ) +
      `SELECT ${cs}, fin, ${L.exactSum(selfLoop, SCALE)} AS w, ${L.exactSum("conv", SCALE)} AS tc, ` +
      `${L.exactSum("nulls", SCALE)} AS tn, ${L.exactSum("val", SCALE)} AS tv ` +
      `FROM mt GROUP BY ${cs}, fin`,
  };
}
