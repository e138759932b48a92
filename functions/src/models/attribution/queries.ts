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
      `SELECT ${f("COUNT(*)")} AS n_rows, SUM(conv) AS conv, SUM(val) AS val, SUM(nulls) AS nulls, ` +
      `${f(`SUM(CASE WHEN conv < 0 OR nulls < 0 THEN 1 ELSE 0 END)`)} AS n_negative, ` +
      `${f(`SUM(CASE WHEN ${empty} THEN 1 ELSE 0 END)`)} AS n_empty, ` +
      `SUM(CASE WHEN ${empty} THEN conv ELSE 0 END) AS conv_empty, ` +
      `SUM(CASE WHEN ${empty} THEN val ELSE 0 END) AS val_empty, ` +
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
    att_h: w.halfLifeDays,
  };
  const f = (e: string) => d.toFloat(e);
  const pos =
    `CASE WHEN n = 1 THEN 1.0 WHEN n = 2 THEN (CASE WHEN i = 1 THEN ${p("att_pf")} ELSE ${p("att_pl")} END) / (${p("att_pf")} + ${p("att_pl")}) ` +
    `WHEN i = 1 THEN ${p("att_pf")} WHEN i = n THEN ${p("att_pl")} ELSE (1.0 - ${p("att_pf")} - ${p("att_pl")}) / (n - 2) END`;
  const td = `CASE WHEN ages IS NULL OR ${L.len("ages")} <> n THEN NULL ELSE pow(2.0, -${L.at("ages", "i")} / ${p("att_h")}) / tdsum END`;
  const t = [
    `jt AS (SELECT path, conv, val, ages, ${f(L.len("path"))} AS n, ${f(L.distinctCount("path"))} AS m, ` +
      `CASE WHEN ages IS NULL THEN NULL ELSE ${L.decaySum("ages", p("att_h"))} END AS tdsum FROM j WHERE conv > 0)`,
    `tt AS (SELECT ch, ${f("i")} AS i, n, m, conv, val, ${td} AS tdw, ` +
      `CASE WHEN ${L.prefixContains("path", "i", "ch")} THEN NULL ELSE ${L.distinctPrefix("path", "i")} END AS k ` +
      `FROM jt${L.unnest("path", "ch", "i")})`,
  ];
  const sums = (name: string, weight: string) =>
    `SUM(conv * (${weight})) AS ${name}_c, SUM(val * (${weight})) AS ${name}_v`;
  const cols = [
    sums("first", "CASE WHEN i = 1 THEN 1.0 ELSE 0.0 END"),
    sums("last", "CASE WHEN i = n THEN 1.0 ELSE 0.0 END"),
    sums("linear", "1.0 / n"),
    sums("position", pos),
    sums("td", "tdw"),
    `${f("COUNT(tdw)")} AS td_n, ${f("COUNT(*)")} AS touches`,
    sums("shapley", "CASE WHEN k IS NULL THEN 0.0 ELSE 1.0 / m END"),
  ];
  return {
    label: "attribution_touches",
    params,
    sql: withJ(j, ...t) + `SELECT ch, k, ${cols.join(", ")} FROM tt GROUP BY ch, k`,
  };
}

/**
 * The order-k chain. State at touch i = the last min(i, k) channels (a key joined by U+001F); each
 * journey adds its weight conv + nulls to (start) → s₁ and to every s_{i−1} → s_i, conv to
 * s_n → (conversion), nulls to s_n → (null), and val to s_n's conversion value.
 * Rows: prev (NULL for start), s, w, and the terminal sums of s as the last state (zero elsewhere).
 */
export function transitionsQuery(j: JourneySql, d: Dialect, order: number, collapse: boolean): SqlQuery {
  const L = listSql(d);
  const lo = (i: string) => `GREATEST(1, ${i} - ${order - 1})`;
  const path = collapse ? L.collapse("path") : "path";
  const ctes = [
    `jm AS (SELECT ${path} AS cp, conv, val, nulls FROM j)`,
    `mt AS (SELECT ${L.len("cp")} AS n, i, conv, val, nulls, ${L.sliceKey("cp", lo("i"), "i")} AS s, ` +
      `CASE WHEN i = 1 THEN NULL ELSE ${L.sliceKey("cp", lo("i - 1"), "i - 1")} END AS prev ` +
      `FROM jm${L.unnest("cp", "ch", "i")})`,
  ];
  return {
    label: "attribution_transitions",
    params: j.params,
    sql:
      withJ(j, ...ctes) +
      `SELECT prev, s, SUM(conv + nulls) AS w, SUM(CASE WHEN i = n THEN conv ELSE 0.0 END) AS tc, ` +
      `SUM(CASE WHEN i = n THEN nulls ELSE 0.0 END) AS tn, SUM(CASE WHEN i = n THEN val ELSE 0.0 END) AS tv ` +
      `FROM mt GROUP BY prev, s`,
  };
}
