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
  /**
   * One row per element: `SELECT <select> FROM src<from>` yields columns elem and pos (1-based).
   * DuckDB: unnest + generate_subscripts in the select list (several times faster than WITH ORDINALITY).
   */
  unnest(list: string, elem: string, pos: string): { select: string; from: string };
  /**
   * A SELECT over `src` giving `cols` and, for each element of the list, the window of the last
   * `order` + 1 elements as columns c_0 … c_order (c_order the element itself, c_x the element
   * order − x places earlier, NULL before the start); rows in no particular order.
   * DuckDB: the windows wholly inside the list zip unnests of slices (l[1+x : n−order+x]); the first
   * min(order, n) windows, which reach before the start, come from a second branch (UNION ALL). That is
   * about twice as fast as zipping NULL-padded shifted copies (list_concat + list_resize per row).
   */
  windowRows(list: string, order: number, cols: string, src: string): string;
  /** Element i of the list, NULL when i < 1 (DuckDB reads negative indexes from the end). */
  atOrNull(list: string, i: string): string;
  /** Whether x first occurs in the list at position i. */
  firstAt(list: string, x: string, i: string): string;
  /** The distinct elements in order of first occurrence. */
  distinctOrdered(list: string): string;
  /** 1-based position of the first x in the list (0 when absent). */
  positionOf(list: string, x: string): string;
  /** The list without consecutive repeats (a > a > b → a > b). */
  collapse(list: string): string;
  /** Σ 2^(−x/h) over a list of numbers, h a SQL expression. */
  decaySum(list: string, h: string): string;
  /**
   * SUM in fixed point: each term rounded to 10^-scale, then summed exactly. Parallel floating-point
   * SUMs differ in the last bits from run to run (the order of partial sums varies); fixed-point sums
   * do not, so the same input gives bit-identical output.
   */
  exactSum(expr: string, scale: number): string;
  /** SUM of integer-valued terms, exact (64-bit integers), as DOUBLE. */
  intSum(expr: string): string;
  /** Aggregate: list of expr ordered by `order`. */
  agg(expr: string, order: string): string;
  /** Seconds from a to b (TIMESTAMPs) as DOUBLE. */
  secondsBetween(a: string, b: string): string;
}

export function listSql(d: Dialect): ListSql {
  if (d.name === "duckdb") {
    return {
      splitTrim: (e, s) =>
        `list_filter(list_transform(string_split(${e}, ${d.param(s)}), x -> trim(x)), x -> x <> '')`,
      splitDoubles: (e, s) =>
        `list_transform(list_filter(list_transform(string_split(${e}, ${d.param(s)}), x -> trim(x)), x -> x <> ''), x -> TRY_CAST(x AS DOUBLE))`,
      len: (l) => `len(${l})`,
      at: (l, i) => `${l}[${i}]`,
      unnest: (l, e, p) => ({
        select: `unnest(${l}) AS ${e}, generate_subscripts(${l}, 1) AS ${p}`,
        from: "",
      }),
      windowRows: (l, k, cols, src) => {
        const xs = Array.from({ length: k + 1 }, (_, x) => x);
        // Slice ends are clamped at 0: DuckDB reads negative slice bounds from the end of the list.
        const inner = xs
          .map((x) => `unnest(${l}[${1 + x} : greatest(len(${l}) - ${k - x}, 0)]) AS c_${x}`)
          .join(", ");
        const edge =
          k === 1
            ? `SELECT ${cols}, CAST(NULL AS VARCHAR) AS c_0, ${l}[1] AS c_1 FROM ${src}`
            : `SELECT ${cols}, ${xs
                .map((x) =>
                  x === k
                    ? `${l}[wi] AS c_${x}`
                    : `CASE WHEN wi > ${k - x} THEN ${l}[wi - ${k - x}] END AS c_${x}`,
                )
                .join(", ")} FROM (SELECT *, unnest(range(1, least(${k}, len(${l})) + 1)) AS wi FROM ${src})`;
        return `SELECT ${cols}, ${inner} FROM ${src} UNION ALL ${edge}`;
      },
      atOrNull: (l, i) => `CASE WHEN ${i} >= 1 THEN ${l}[${i}] END`,
      firstAt: (l, x, i) => `list_position(${l}, ${x}) = ${i}`,
      distinctOrdered: (l) => `list_filter(${l}, (x, i) -> list_position(${l}, x) = i)`,
      positionOf: (l, x) => `list_position(${l}, ${x})`,
      collapse: (l) => `list_filter(${l}, (x, i) -> i = 1 OR x <> ${l}[i - 1])`,
      decaySum: (l, h) => `list_sum(list_transform(${l}, a -> pow(2.0, -a / ${h})))`,
      // Zero terms (most rows' conversions and value: non-converting paths) skip the DOUBLE → DECIMAL
      // cast, the costly part (CASE evaluates each branch on its own rows only); the sum is unchanged.
      exactSum: (e, sc) =>
        `CAST(SUM(CASE WHEN (${e}) = 0 THEN CAST(0 AS DECIMAL(38, ${sc})) ELSE CAST(${e} AS DECIMAL(38, ${sc})) END) AS DOUBLE)`,
      intSum: (e) => `CAST(SUM(CAST(${e} AS BIGINT)) AS DOUBLE)`,
      agg: (e, o) => `list(${e} ORDER BY ${o})`,
      secondsBetween: (a, b) => `CAST(epoch(${b}) - epoch(${a}) AS DOUBLE)`,
    };
  }
  return {
    splitTrim: (e, s) =>
      `ARRAY(SELECT TRIM(x) FROM UNNEST(SPLIT(${e}, ${d.param(s)})) AS x WITH OFFSET o WHERE TRIM(x) <> '' ORDER BY o)`,
    splitDoubles: (e, s) =>
      `ARRAY(SELECT SAFE_CAST(TRIM(x) AS FLOAT64) FROM UNNEST(SPLIT(${e}, ${d.param(s)})) AS x WITH OFFSET o WHERE TRIM(x) <> '' ORDER BY o)`,
    len: (l) => `ARRAY_LENGTH(${l})`,
    at: (l, i) => `${l}[ORDINAL(${i})]`,
    unnest: (l, e, p) => ({
      select: `${e}, ${p}_0 + 1 AS ${p}`,
      from: ` CROSS JOIN UNNEST(${l}) AS ${e} WITH OFFSET ${p}_0`,
    }),
    windowRows: (l, k, cols, src) =>
      `SELECT ${cols}, ${Array.from({ length: k + 1 }, (_, x) =>
        x === k ? `c_${k}` : `CASE WHEN wo - ${k - x} >= 0 THEN ${l}[OFFSET(wo - ${k - x})] END AS c_${x}`,
      ).join(", ")} FROM ${src} CROSS JOIN UNNEST(${l}) AS c_${k} WITH OFFSET wo`,
    atOrNull: (l, i) => `CASE WHEN ${i} >= 1 THEN ${l}[ORDINAL(${i})] END`,
    firstAt: (l, x, i) =>
      `NOT EXISTS(SELECT 1 FROM UNNEST(${l}) AS y WITH OFFSET o WHERE o < ${i} - 1 AND y = ${x})`,
    distinctOrdered: (l) =>
      `ARRAY(SELECT x FROM UNNEST(${l}) AS x WITH OFFSET o WHERE NOT EXISTS(SELECT 1 FROM UNNEST(${l}) AS y WITH OFFSET o2 WHERE o2 < o AND y = x) ORDER BY o)`,
    positionOf: (l, x) =>
      `COALESCE((SELECT MIN(o) + 1 FROM UNNEST(${l}) AS y WITH OFFSET o WHERE y = ${x}), 0)`,
    collapse: (l) =>
      `ARRAY(SELECT y FROM UNNEST(${l}) AS y WITH OFFSET o WHERE o = 0 OR y <> ${l}[OFFSET(o - 1)] ORDER BY o)`,
    decaySum: (l, h) => `(SELECT SUM(POW(2.0, -a / ${h})) FROM UNNEST(${l}) AS a)`,
    exactSum: (e, sc) => `CAST(SUM(ROUND(CAST(${e} AS BIGNUMERIC), ${sc})) AS FLOAT64)`,
    intSum: (e) => `CAST(SUM(CAST(${e} AS INT64)) AS FLOAT64)`,
    agg: (e, o) => `ARRAY_AGG(${e} ORDER BY ${o})`,
    secondsBetween: (a, b) => `CAST(TIMESTAMP_DIFF(${b}, ${a}, MICROSECOND) AS FLOAT64) / 1e6`,
  };
}
