/**
 * The balanced 2×2 (every unit has exactly one pre row and one post row) as one hash join instead
 * of a GROUP BY unit: pre rows joined to post rows on the unit give each unit's (a, b) = (y_pre − c,
 * y_post − c) directly, and the per-treatment-group sums Σ a, Σ b, Σ a², Σ a·b, Σ b² are exactly the
 * per-mask sums of the one pass (one-pass-two-by-two.ts) for the masks "pre and post" of each
 * group. On the bench's 1M-unit panel (bench/did.ts) the join takes 73–86 ms where the GROUP BY took
 * 107–121; on a copy with string unit keys, 105 against 150.
 *
 * Why the join proves the panel balanced. It is a FULL join: a row without a partner comes out with
 * the other side NULL, so a group whose pre or post treatment is NULL means an unmatched row (or a
 * NULL treated, which the one pass does not take either). Given no such group, every unit u has
 * a_u ≥ 1 pre rows and b_u ≥ 1 post rows, the join yields m = Σ a_u·b_u pairs, and the rows with
 * a post value number Σ (a_u + b_u). The check 2m = that count means Σ (2·a_u·b_u − a_u − b_u) = 0,
 * a sum of terms a_u(b_u − 1) + b_u(a_u − 1) ≥ 0 — so every a_u = b_u = 1. It must also equal all
 * rows (no NULL post: such rows are in neither side). Equal pre and post treatment in every pair
 * then means one treatment value per unit. The probe has already settled the rest: no NULL unit or
 * outcome, treated and post integer or boolean within [0, 1].
 *
 * Anything else returns null and the grouped one pass runs. Measured with `npm run bench -- did`.
 * Tests: paired-two-by-two.test.ts (the proof's conditions, one by one) and one-pass-two-by-two.test.ts
 * (the SQL, every case against the general path).
 */
import type { Row, SqlQuery } from "../../warehouse/warehouse";
import type { Dialect } from "../../warehouse/sql/dialect";
import { statsApproxUnique } from "./column-stats";
import type { Columns } from "./one-pass-two-by-two";
import { num } from "./regression";

/**
 * Try the join only when DuckDB's approximate distinct count of the unit does not show mostly
 * one row per unit (a repeated cross-section would fail the join's check after paying for it).
 */
export const PAIRED_MAX_UNITS_PER_ROW = 0.75;

export function mayBePaired(probe: Row): boolean {
  const units = statsApproxUnique(probe.u_stats);
  return units === null || units <= PAIRED_MAX_UNITS_PER_ROW * num(probe.n_raw);
}

/** Pre rows FULL JOIN post rows on the unit, grouped by the two sides' treatment values. */
export function pairedPassQuery(c: Columns, d: Dialect, shift: number): SqlQuery {
  const side = (value: 0 | 1) =>
    `SELECT ${c.u} AS u, CAST(${c.tr} AS INTEGER) AS tr, ${d.toFloat(c.y)} - ${d.toFloat(d.param("did_shift"))} AS y ` +
    `FROM ${c.table} WHERE CAST(${c.post} AS INTEGER) = ${value}`;
  return {
    label: "did_2x2_pairs",
    params: { did_shift: shift },
    sql:
      `WITH pre AS (${side(0)}),\npo AS (${side(1)})\n` +
      `SELECT pre.tr AS tr_pre, po.tr AS tr_post, ${d.toFloat("COUNT(*)")} AS n, SUM(pre.y) AS a, SUM(po.y) AS b, ` +
      `SUM(pre.y * pre.y) AS aa, SUM(pre.y * po.y) AS ab, SUM(po.y * po.y) AS bb, ` +
      `(SELECT ${d.toFloat(`COUNT(${c.post})`)} FROM ${c.table}) AS n_with_post\n` +
      `FROM pre FULL JOIN po ON pre.u = po.u GROUP BY pre.tr, po.tr`,
  };
}

/**
 * The join's groups as the one pass's per-mask rows (mask 3: a control unit with both rows; 12: a
 * treated one), or null unless every unit has exactly one pre and one post row and one treatment.
 */
export function decodePairs(rows: Row[], probe: Row): Row[] | null {
  const n = num(probe.n_raw);
  let pairs = 0;
  const out: Row[] = [];
  for (const r of rows) {
    // A NULL side (an unmatched row, or a NULL treated) reads as NaN and fails both tests.
    const t = num(r.tr_pre);
    if (!(t === 0 || t === 1) || num(r.tr_post) !== t) return null;
    pairs += num(r.n);
    out.push({ m: t === 1 ? 12 : 3, n_units: r.n, a: r.a, b: r.b, aa: r.aa, ab: r.ab, bb: r.bb });
  }
  const withPost = num(rows[0]?.n_with_post);
  return pairs > 0 && 2 * pairs === withPost && withPost === n ? out : null;
}
