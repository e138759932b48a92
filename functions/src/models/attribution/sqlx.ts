/**
 * List (array) SQL that `Dialect` does not cover, written once per warehouse: journeys are lists of
 * touches, and DuckDB (LIST, lambdas, WITH ORDINALITY) and BigQuery (ARRAY, UNNEST … WITH OFFSET)
 * spell list operations differently. 1-based positions throughout.
 */
import type { Dialect } from "../../warehouse/sql/dialect";

export interface ListSql {
  /** Splits a string by `sepParam`, trims every part and drops empty ones. */
  splitTrim(expr: string, sepParam: string): string;
  /** Same, each part cast to DOUBLE (unparsable parts become NULL). */
  splitDoubles(expr: string, sepParam: string): string;
  len(list: string): string;
  /** Element i (1-based). */
  at(list: string, i: string): string;
  /** FROM-clause fragment: `, <unnest of list> AS alias(elem, pos)` — elem and pos (1-based) columns. */
  unnest(list: string, elem: string, pos: string): string;
  /** Number of distinct elements of list[1..i]. */
  distinctPrefix(list: string, i: string): string;
  /** Number of distinct elements. */
  distinctCount(list: string): string;
  /** Whether list[1..i−1] contains x. */
  prefixContains(list: string, i: string, x: string): string;
  /** list[lo..hi] joined by the unit separator U+001F (a state key of the order-k chain). */
  sliceKey(list: string, lo: string, hi: string): string;
  /** The list without consecutive repeats (a > a > b → a > b). */
  collapse(list: string): string;
  /** Σ 2^(−x/h) over a list of numbers, h a SQL expression. */
  decaySum(list: string, h: string): string;
  /** Aggregate: list of expr ordered by `order`. */
  agg(expr: string, order: string): string;
  /** Seconds from a to b (TIMESTAMPs) as DOUBLE. */
  secondsBetween(a: string, b: string): string;
  /** Keyword placed after `name AS` for a CTE several branches read. */
  materialized: string;
}

export const STATE_SEP = "\u001f";

export function listSql(d: Dialect): ListSql {
  if (d.name === "duckdb") {
    return {
      splitTrim: (e, s) =>
        `list_filter(list_transform(string_split(${e}, ${d.param(s)}), x -> trim(x)), x -> x <> '')`,
      splitDoubles: (e, s) =>
        `list_transform(list_filter(list_transform(string_split(${e}, ${d.param(s)}), x -> trim(x)), x -> x <> ''), x -> TRY_CAST(x AS DOUBLE))`,
      len: (l) => `len(${l})`,
      at: (l, i) => `${l}[${i}]`,
      unnest: (l, e, p) => `, unnest(${l}) WITH ORDINALITY AS u(${e}, ${p})`,
      distinctPrefix: (l, i) => `len(list_distinct(list_slice(${l}, 1, ${i})))`,
      distinctCount: (l) => `len(list_distinct(${l}))`,
      prefixContains: (l, i, x) => `list_contains(list_slice(${l}, 1, ${i} - 1), ${x})`,
      sliceKey: (l, lo, hi) => `array_to_string(list_slice(${l}, ${lo}, ${hi}), chr(31))`,
      collapse: (l) => `list_filter(${l}, (x, i) -> i = 1 OR x <> ${l}[i - 1])`,
      decaySum: (l, h) => `list_sum(list_transform(${l}, a -> pow(2.0, -a / ${h})))`,
      agg: (e, o) => `list(${e} ORDER BY ${o})`,
      secondsBetween: (a, b) => `CAST(epoch(${b}) - epoch(${a}) AS DOUBLE)`,
      materialized: "MATERIALIZED",
    };
  }
  return {
    splitTrim: (e, s) =>
      `ARRAY(SELECT TRIM(x) FROM UNNEST(SPLIT(${e}, ${d.param(s)})) AS x WITH OFFSET o WHERE TRIM(x) <> '' ORDER BY o)`,
    splitDoubles: (e, s) =>
      `ARRAY(SELECT SAFE_CAST(TRIM(x) AS FLOAT64) FROM UNNEST(SPLIT(${e}, ${d.param(s)})) AS x WITH OFFSET o WHERE TRIM(x) <> '' ORDER BY o)`,
    len: (l) => `ARRAY_LENGTH(${l})`,
    at: (l, i) => `${l}[ORDINAL(${i})]`,
    unnest: (l, e, p) => ` CROSS JOIN UNNEST(${l}) AS ${e} WITH OFFSET ${p}_0 CROSS JOIN UNNEST([${p}_0 + 1]) AS ${p}`,
    distinctPrefix: (l, i) =>
      `(SELECT COUNT(DISTINCT x) FROM UNNEST(${l}) AS x WITH OFFSET o WHERE o < ${i})`,
    distinctCount: (l) => `(SELECT COUNT(DISTINCT x) FROM UNNEST(${l}) AS x)`,
    prefixContains: (l, i, x) =>
      `EXISTS(SELECT 1 FROM UNNEST(${l}) AS y WITH OFFSET o WHERE o < ${i} - 1 AND y = ${x})`,
    sliceKey: (l, lo, hi) =>
      `ARRAY_TO_STRING(ARRAY(SELECT y FROM UNNEST(${l}) AS y WITH OFFSET o WHERE o BETWEEN ${lo} - 1 AND ${hi} - 1 ORDER BY o), CODE_POINTS_TO_STRING([31]))`,
    collapse: (l) =>
      `ARRAY(SELECT y FROM UNNEST(${l}) AS y WITH OFFSET o WHERE o = 0 OR y <> ${l}[OFFSET(o - 1)] ORDER BY o)`,
    decaySum: (l, h) => `(SELECT SUM(POW(2.0, -a / ${h})) FROM UNNEST(${l}) AS a)`,
    agg: (e, o) => `ARRAY_AGG(${e} ORDER BY ${o})`,
    secondsBetween: (a, b) => `CAST(TIMESTAMP_DIFF(${b}, ${a}, MICROSECOND) AS FLOAT64) / 1e6`,
    materialized: "",
  };
}
