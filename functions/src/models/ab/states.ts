/**
 * The per-arm pass on DuckDB table sources from aggregate states instead of sums.
 *
 * Why: at 10M rows the plain pass (armMomentsKeyedQuery) spends most of its time on the
 * covariate, which is NULL for units without pre-period data. Every NULL-aware operation (x·x,
 * x·y, COUNT(x), SUM(x), SUM(CASE WHEN x IS NOT NULL THEN y END)) pays a per-row validity branch
 * that mispredicts on scattered NULLs. DuckDB's `regr_slope(y, x)` keeps, in one state updated
 * once per row, the count, both means and the co-moment of the pairs with x present (Welford
 * updates, so centred sums) plus x's M2; `var_pop(y)` keeps count, mean and M2 of y. Together
 * they hold every sufficient statistic the arm needs, and EXPORT_STATE hands them back as bytes.
 * (`corr` would also keep y's M2 over the pairs, unused, for a few % more time.)
 * Measured on the 10M-unit bench (2 cores): request → result 204 → 144 ms, 402 → 283 CPU-ms.
 * What is left is mostly fixed: scanning the VARCHAR arm column (~80 CPU-ms, uncompressed in
 * memory) and keying it (~60 with the per-group count) come before any moment.
 *
 * The byte layout of an exported state is DuckDB's internal struct (uint64 count, then doubles), not
 * a documented format. So every query also computes both states over three constant rows with
 * known answers (k = CALIBRATION_KEY); decodeStateRows returns null unless those decode to exactly
 * what they must, and the caller then runs the plain-sum pass. A DuckDB whose EXPORT_STATE is no
 * longer castable to BLOB fails the query, with the same fallback.
 */
import type { Row, SqlQuery, SqlValue } from "../../warehouse/warehouse";
import type { Dialect } from "../../warehouse/sql/dialect";
import type { MomentShape, UnitsSql } from "./sql";

/** The key of the calibration group (arms are 0..k+1). */
export const CALIBRATION_KEY = -1;

/** Calibration rows (y, x): x missing in the last; their states are checked in stateLayoutOk. */
const CALIBRATION = "(2.0, 1.0), (3.5, 2.0), (7.0, NULL)";

/** One variable's Welford state: count, mean, Σ(v − mean)². */
export interface VarState {
  n: number;
  mean: number;
  m2: number;
}

/** The pairs (x, y) with both present: count, means, co-moment Σ(x − x̄)(y − ȳ), and x's state. */
export interface PairState {
  n: number;
  meanX: number;
  meanY: number;
  coMoment: number;
  x: VarState;
}

const VAR_BYTES = 24;
const PAIR_BYTES = 32 + VAR_BYTES;

function varAt(b: Buffer, at: number): VarState {
  return { n: Number(b.readBigUInt64LE(at)), mean: b.readDoubleLE(at + 8), m2: b.readDoubleLE(at + 16) };
}

export function decodeVarState(hex: unknown): VarState | null {
  if (typeof hex !== "string") return null;
  const b = Buffer.from(hex, "hex");
  return b.length === VAR_BYTES ? varAt(b, 0) : null;
}

export function decodePairState(hex: unknown): PairState | null {
  if (typeof hex !== "string") return null;
  const b = Buffer.from(hex, "hex");
  if (b.length !== PAIR_BYTES) return null;
  return {
    n: Number(b.readBigUInt64LE(0)),
    meanX: b.readDoubleLE(8),
    meanY: b.readDoubleLE(16),
    coMoment: b.readDoubleLE(24),
    x: varAt(b, 32),
  };
}

/** The state columns of one group, and the calibration group (k = CALIBRATION_KEY) they are checked on. */
function stateColumns(m: MomentShape): {
  cols: (nRows: string) => string;
  calibration: (v: string) => string;
} {
  const state = (agg: string) => `hex(CAST(${agg} EXPORT_STATE AS BLOB))`;
  const cols = (nRows: string) =>
    [
      `CAST(${nRows} AS DOUBLE) AS n_rows`,
      `${state("var_pop(y)")} AS y_state`,
      // regr_slope(y, x): DuckDB's argument order; its state's "x" is the second argument.
      ...(m.covariate ? [`${state("regr_slope(y, x)")} AS xy_state`] : []),
      ...(m.proportion
        ? ["CAST(SUM(CASE WHEN y IS NOT NULL AND y <> 0 AND y <> 1 THEN 1 ELSE 0 END) AS DOUBLE) AS n_not01"]
        : []),
    ].join(", ");
  const calibration = (v: string) =>
    `SELECT ${CALIBRATION_KEY} AS k, ${v}${cols("COUNT(*)")} FROM ` +
    `(SELECT CAST(y AS DOUBLE) AS y, CAST(x AS DOUBLE) AS x FROM (VALUES ${CALIBRATION}) c0(y, x)) c`;
  return { cols, calibration };
}

/**
 * The keyed arm pass (same key as armMomentsKeyedQuery: k = i for arm i, arms.length for rows
 * without an arm, arms.length + 1 for any other arm) returning states, plus the calibration group.
 */
export function armStatesKeyedQuery(u: UnitsSql, d: Dialect, m: MomentShape, arms: string[]): SqlQuery {
  const extra: Record<string, SqlValue> = {};
  const whens = arms.map((a, i) => {
    extra[`ab_arm${i}`] = a;
    return `WHEN v = ${d.param(`ab_arm${i}`)} THEN ${i}`;
  });
  const k = `CASE ${whens.join(" ")} WHEN v IS NULL THEN ${arms.length} ELSE ${arms.length + 1} END`;
  const { cols, calibration } = stateColumns(m);
  return {
    label: "ab_arm_moments",
    params: { ...u.params, ...extra },
    sql:
      `WITH ${u.ctes}\nSELECT k, ${cols("COUNT(*)")} FROM (SELECT ${k} AS k, y, x FROM units) ku GROUP BY k\n` +
      `UNION ALL ${calibration("")}`,
  };
}

/**
 * The same states grouped by the arm's string itself (k = 0, and `v` the arm, NULL for rows without
 * one). Faster than the integer key when DuckDB stores the arm column dictionary-compressed: it then
 * hashes each dictionary entry once, not each row (see armStorageQuery in sql.ts).
 */
export function armStatesByNameQuery(u: UnitsSql, m: MomentShape): SqlQuery {
  const { cols, calibration } = stateColumns(m);
  return {
    label: "ab_arm_moments",
    params: { ...u.params },
    sql:
      `WITH ${u.ctes}\nSELECT 0 AS k, v, ${cols("COUNT(*)")} FROM units GROUP BY v\n` +
      `UNION ALL ${calibration("CAST(NULL AS VARCHAR) AS v, ")}`,
  };
}

const near = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
const varIs = (s: VarState, n: number, mean: number, m2: number) =>
  s.n === n && near(s.mean, mean) && near(s.m2, m2);

/** Do the calibration group's states decode to the known moments of the calibration rows? */
export function stateLayoutOk(r: Row, covariate: boolean): boolean {
  const y = decodeVarState(r.y_state);
  // y = 2, 3.5, 7: mean 25/6, M2 = 65.25 − 12.5²/3 = 79/6.
  if (!y || !varIs(y, 3, 25 / 6, 79 / 6)) return false;
  if (!covariate) return true;
  const p = decodePairState(r.xy_state);
  // Pairs (x, y) = (1, 2), (2, 3.5): x̄ 1.5, ȳ 2.75, co-moment 0.75, x's M2 0.5.
  return (
    p !== null &&
    p.n === 2 &&
    near(p.meanX, 1.5) &&
    near(p.meanY, 2.75) &&
    near(p.coMoment, 0.75) &&
    varIs(p.x, 2, 1.5, 0.5)
  );
}

/**
 * State rows → the plain pass's moment rows (moments.ts groupSums reads them), or null when the
 * calibration group is missing or wrong. Raw sums from centred ones: Σy = n·ȳ, Σy² = M2 + n·ȳ²,
 * Σxy = C + n·x̄·ȳ; the statistics re-centre them, with the same rounding as summing directly.
 */
export function decodeStateRows(rows: Row[], m: MomentShape): Row[] | null {
  const cal = rows.find((r) => Number(r.k) === CALIBRATION_KEY);
  if (!cal || !stateLayoutOk(cal, m.covariate)) return null;
  const out: Row[] = [];
  for (const r of rows) {
    if (Number(r.k) === CALIBRATION_KEY) continue;
    const y = decodeVarState(r.y_state);
    const p = m.covariate ? decodePairState(r.xy_state) : null;
    if (!y || (m.covariate && !p)) return null;
    const row: Row = {
      k: r.k,
      ...("v" in r ? { v: r.v } : {}),
      n_rows: r.n_rows,
      n: y.n,
      sy: y.n * y.mean,
      syy: y.m2 + y.n * y.mean * y.mean,
      sz: 0,
      szz: 0,
      syz: 0,
      nx: 0,
      sx: 0,
      sxx: 0,
      sxy: 0,
      sy_x: 0,
      n_not01: m.proportion ? r.n_not01 : 0,
    };
    if (p) {
      row.nx = p.n;
      row.sx = p.n * p.meanX;
      row.sxx = p.x.m2 + p.n * p.meanX * p.meanX;
      row.sxy = p.coMoment + p.n * p.meanX * p.meanY;
      row.sy_x = p.n * p.meanY;
    }
    out.push(row);
  }
  return out;
}
