/**
 * The 2×2 DID with CR1 by unit in one scan of a clean table panel — no describe pass, no residual
 * pass. Everything the model needs follows from one GROUP BY unit with three aggregates:
 *
 *   per unit g: S_g = Σ (y − c), Sq_g = Σ post·(y − c), m_g = BIT_OR(1 << (2·treated + post))
 *
 * where c is a shift against cancellation (the first observed outcome) and m_g the set of
 * (treated, post) cells the unit has rows in. When every unit has at most one row per cell and all
 * its cells share one treatment value (checked: Σ_g popcount(m_g) = N, and no mask mixes treated and
 * control cells), a unit's pre-period residual sum is P_g = (S_g − Sq_g) − n_p,g·μ'_{t,0}, with
 * n_p,g ∈ {0, 1} read from the mask and μ' the shifted cell mean; likewise Q_g. Grouping the units by
 * mask, the cell counts and sums (what the describe pass gives) and Σ P², Σ P·Q, Σ Q² per treatment
 * group (the CR1 meat of two-by-two.ts) are closed-form in the per-mask sums Σ a, Σ b, Σ a², Σ a·b,
 * Σ b² (a = S − Sq, b = Sq).
 *
 * A probe of metadata comes first (counts, types, DuckDB's column statistics; a scan of the two 0/1
 * columns only when their statistics do not settle the range). It asks for no NULL outcome or unit,
 * treated and post of an integer or boolean type within [0, 1] (so exactly 0 or 1; a NULL one fails
 * the row check), and not many rows per unit. Anything else — a unit mixing treatment groups or with
 * two rows in a cell, an outcome that does not vary within cells, an expansion that would cancel more
 * than MAX_CANCELLATION — returns null, and the model runs its general two-pass path, which also words
 * every failure. Only DuckDB: the probe uses `typeof` and `stats`.
 *
 * A balanced panel (one pre and one post row per unit) gets the same per-mask sums from a join of pre
 * to post rows instead of the GROUP BY, which DuckDB runs about a third faster (paired-two-by-two.ts).
 * Measured with `npm run bench -- did` (bench/did.ts); tests in one-pass-two-by-two.test.ts.
 */
import type { Row, SqlQuery } from "../../warehouse/warehouse";
import type { Dialect } from "../../warehouse/sql/dialect";
import { statsApproxUnique, statsBounds } from "./column-stats";
import { rowCounts, type DescribeCell, type PanelDescription } from "./diagnostics";
import { decodePairs, mayBePaired, pairedPassQuery } from "./paired-two-by-two";
import type { TableDidParams } from "./params";
import { MAX_CANCELLATION, num } from "./regression";

export interface OnePassResult {
  described: PanelDescription;
  /** The cluster-score row of `cellClusterScoresQuery` (n_clusters, m_max, pp_t, pq_t, qq_t). */
  scores: Row;
}

/** Integer and boolean types: with MIN ≥ 0 and MAX ≤ 1 their values are exactly 0 or 1. */
const ZERO_ONE_TYPE = /^(BOOLEAN|U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT))$/;
const NUMERIC_TYPE = /^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\))$/;

/** Masks of one treatment group: bit 2·treated + post. */
const CONTROL_MASKS = new Set([1, 2, 3]);
const TREATED_MASKS = new Set([4, 8, 12]);

export function onePassApplies(
  p: TableDidParams,
  run: { designKind: "2x2" | "twfe"; se: string; warehouseKind: string },
): boolean {
  const s = p.source;
  return (
    run.warehouseKind === "duckdb" &&
    run.designKind === "2x2" &&
    run.se === "cr1" &&
    !p.event_study &&
    (p.covariates ?? []).length === 0 &&
    s.unit !== undefined &&
    (s.cluster === undefined || s.cluster === s.unit) &&
    s.time === undefined &&
    s.first_treated === undefined &&
    s.treated !== undefined &&
    s.post !== undefined
  );
}

/** The 2×2 table's columns, quoted for the dialect (the paired pass takes the same). */
export interface Columns {
  table: string;
  y: string;
  u: string;
  tr: string;
  post: string;
}

function columns(p: TableDidParams, d: Dialect): Columns {
  const q = (c: string) => d.quoteIdent(c);
  const s = p.source;
  return {
    table: q(s.table),
    y: q(s.outcome),
    u: q(s.unit as string),
    tr: q(s.treated as string),
    post: q(s.post as string),
  };
}

/**
 * A table with more than this many rows per distinct unit (DuckDB's approximate count, from its
 * column statistics) has several rows in some (unit, period) cell: the one pass would only find that
 * at its end, so the general path runs straight away. A clean 2×2 panel has at most 2 rows per
 * unit; the margin absorbs the estimate's error (seen up to 2.3× low). Data that slips through is
 * still caught by the row check in decodeOnePass.
 */
export const MAX_ROWS_PER_UNIT_ESTIMATE = 8;

/**
 * Counts, types, one outcome value (the shift) and DuckDB's column statistics of unit, treated and
 * post: all metadata or one row, about a millisecond.
 */
export function onePassProbeQuery(p: TableDidParams, d: Dialect): SqlQuery {
  const c = columns(p, d);
  const f = d.toFloat;
  return {
    label: "did_2x2_probe",
    params: {},
    sql:
      `SELECT s.*, ty.* FROM (SELECT ${f("COUNT(*)")} AS n_raw, ${f(`COUNT(${c.y})`)} AS n_y, ` +
      `${f(`COUNT(${c.u})`)} AS n_u FROM ${c.table}) s, ` +
      `(SELECT typeof(${c.y}) AS y_type, typeof(${c.tr}) AS tr_type, typeof(${c.post}) AS post_type, ` +
      `${f(c.y)} AS y0, stats(${c.tr}) AS tr_stats, stats(${c.post}) AS post_stats, stats(${c.u}) AS u_stats ` +
      `FROM ${c.table} WHERE ${c.y} IS NOT NULL LIMIT 1) ty`,
  };
}

/** The exact ranges of treated and post, when their statistics do not settle them (a scan of two columns). */
export function onePassRangeQuery(p: TableDidParams, d: Dialect): SqlQuery {
  const c = columns(p, d);
  const f = d.toFloat;
  return {
    label: "did_2x2_ranges",
    params: {},
    sql:
      `SELECT ${f(`MIN(${c.tr})`)} AS tr_min, ${f(`MAX(${c.tr})`)} AS tr_max, ` +
      `${f(`MIN(${c.post})`)} AS post_min, ${f(`MAX(${c.post})`)} AS post_max FROM ${c.table}`,
  };
}

const within01 = (lo: unknown, hi: unknown) => num(lo) >= 0 && num(hi) <= 1;

/**
 * Whether the probe allows the one pass: no NULL outcome or unit, a numeric finite outcome,
 * treated and post of an integer or boolean type, not many rows per unit (by the statistics). Their ranges are checked separately
 * (rangesFromStats / onePassRangeQuery). NULL treated or post values need no count: such a row
 * adds no cell bit, so the row check in decodeOnePass fails.
 */
export function probeAllows(probe: Row | undefined): probe is Row {
  if (!probe) return false;
  const n = num(probe.n_raw);
  return (
    n > 0 &&
    num(probe.n_y) === n &&
    num(probe.n_u) === n &&
    ZERO_ONE_TYPE.test(String(probe.tr_type)) &&
    ZERO_ONE_TYPE.test(String(probe.post_type)) &&
    NUMERIC_TYPE.test(String(probe.y_type)) &&
    Number.isFinite(num(probe.y0)) &&
    !(n > MAX_ROWS_PER_UNIT_ESTIMATE * (statsApproxUnique(probe.u_stats) ?? Infinity))
  );
}

/** True when the statistics alone show treated and post within [0, 1]. */
export function rangesFromStats(probe: Row): boolean {
  const tr = statsBounds(probe.tr_stats);
  const post = statsBounds(probe.post_stats);
  return tr !== null && post !== null && within01(...tr) && within01(...post);
}

export function rangesAllow(r: Row | undefined): boolean {
  return r !== undefined && within01(r.tr_min, r.tr_max) && within01(r.post_min, r.post_max);
}

/** The one scan: per-unit shifted sums and cell mask, then per-mask sums (≤ 6 rows on clean data). */
export function onePassQuery(p: TableDidParams, d: Dialect, shift: number): SqlQuery {
  const c = columns(p, d);
  const f = d.toFloat;
  const int = (e: string) => `CAST(${e} AS INTEGER)`;
  return {
    label: "did_2x2_one_pass",
    params: { did_shift: shift },
    sql:
      `WITH r AS (SELECT ${c.u} AS g, ${f(c.y)} - ${f(d.param("did_shift"))} AS y, ${f(c.post)} AS post, ` +
      `${int(c.tr)} * 2 + ${int(c.post)} AS cell FROM ${c.table}),\n` +
      `units AS (SELECT SUM(y) AS s, SUM(y * post) AS sq, BIT_OR(1 << cell) AS m FROM r GROUP BY g),\n` +
      `ab AS (SELECT m, s - sq AS a, sq AS b FROM units)\n` +
      `SELECT m, ${f("COUNT(*)")} AS n_units, SUM(a) AS a, SUM(b) AS b, SUM(a * a) AS aa, SUM(a * b) AS ab, ` +
      `SUM(b * b) AS bb FROM ab GROUP BY m`,
  };
}

interface MaskGroup {
  t: 0 | 1;
  /** Rows per unit in the pre and post cell (0 or 1). */
  np: number;
  nq: number;
  units: number;
  a: number;
  b: number;
  aa: number;
  ab: number;
  bb: number;
}

/**
 * The panel description and the CR1 cluster-score row from the per-mask sums, or null when a unit
 * mixes treatment groups or has two rows in a cell, or when the expansion would cancel too much.
 */
export function decodeOnePass(rows: Row[], probe: Row, shift: number): OnePassResult | null {
  const n = num(probe.n_raw);
  const groups: MaskGroup[] = [];
  let rowsSeen = 0;
  for (const r of rows) {
    const m = num(r.m);
    const treated = TREATED_MASKS.has(m);
    if (!treated && !CONTROL_MASKS.has(m)) return null;
    const t = treated ? 1 : 0;
    const np = m & (treated ? 4 : 1) ? 1 : 0;
    const nq = m & (treated ? 8 : 2) ? 1 : 0;
    const g: MaskGroup = {
      t,
      np,
      nq,
      units: num(r.n_units),
      a: np ? num(r.a) : 0,
      b: nq ? num(r.b) : 0,
      aa: np ? num(r.aa) : 0,
      ab: np && nq ? num(r.ab) : 0,
      bb: nq ? num(r.bb) : 0,
    };
    if (![g.units, g.a, g.b, g.aa, g.ab, g.bb].every(Number.isFinite)) return null;
    rowsSeen += (np + nq) * g.units;
    groups.push(g);
  }
  // Each unit has at least one row per cell in its mask: equality means exactly one.
  if (rowsSeen !== n) return null;

  const described: PanelDescription = {
    shape: {
      n_raw: n,
      n_missing_outcome: 0,
      n,
      n_periods: 0,
      ...rowCounts(),
      // Not computed: Σ P² + Σ Q² > 0 (checked below) already shows that the outcome varies.
      y_min: null,
      y_max: null,
      first_post_t: null,
      last_pre_t: null,
    },
    cells: [],
  };
  const scores: Row = { n_clusters: 0, m_max: 0 };
  const shape = described.shape as Record<string, number>;
  for (const t of [0, 1] as const) {
    const mine = groups.filter((g) => g.t === t);
    if (mine.length === 0) continue;
    const nPre = mine.reduce((s, g) => s + g.np * g.units, 0);
    const nPost = mine.reduce((s, g) => s + g.nq * g.units, 0);
    const sumA = mine.reduce((s, g) => s + g.a, 0);
    const sumB = mine.reduce((s, g) => s + g.b, 0);
    // Shifted cell means; P_g = a_g − n_p·μp, Q_g = b_g − n_q·μq.
    const mp = nPre > 0 ? sumA / nPre : 0;
    const mq = nPost > 0 ? sumB / nPost : 0;
    let pp = 0;
    let pq = 0;
    let qq = 0;
    let rawP = 0;
    let rawQ = 0;
    for (const g of mine) {
      pp += g.np ? g.aa - 2 * mp * g.a + mp * mp * g.units : 0;
      qq += g.nq ? g.bb - 2 * mq * g.b + mq * mq * g.units : 0;
      pq += g.np && g.nq ? g.ab - mq * g.a - mp * g.b + mp * mq * g.units : 0;
      rawP += g.aa;
      rawQ += g.bb;
    }
    if (!(pp >= 0 && qq >= 0 && rawP <= MAX_CANCELLATION * pp && rawQ <= MAX_CANCELLATION * qq)) return null;
    scores[`pp_${t}`] = pp;
    scores[`pq_${t}`] = pq;
    scores[`qq_${t}`] = qq;
    scores.n_clusters = num(scores.n_clusters) + mine.reduce((s, g) => s + g.units, 0);
    scores.m_max = t + 1;
    const cells: DescribeCell[] = [
      { tr: t, post: 0, t: null, n: nPre, sy: sumA + nPre * shift },
      { tr: t, post: 1, t: null, n: nPost, sy: sumB + nPost * shift },
    ];
    described.cells.push(...cells.filter((c) => c.n > 0));
    shape[t ? "n_treated_rows" : "n_control_rows"] = nPre + nPost;
    shape.n_pre += nPre;
    shape.n_post += nPost;
    if (t === 1) shape.n_treated_post = nPost;
  }
  const spread = [0, 1].reduce((s, t) => s + num(scores[`pp_${t}`] ?? 0) + num(scores[`qq_${t}`] ?? 0), 0);
  if (!(spread > 0)) return null;
  for (const t of [0, 1]) {
    scores[`pp_${t}`] ??= 0;
    scores[`pq_${t}`] ??= 0;
    scores[`qq_${t}`] ??= 0;
  }
  return { described, scores };
}

/**
 * Probe, then one scan; null when the general path must run. The scan is the join of pre to post
 * rows (paired-two-by-two.ts) when the panel may be balanced, and the GROUP BY unit when it may not
 * be or the join finds it is not. The shift c is the first observed outcome: a far-off one only
 * makes the cancellation guard send the run to the general path.
 */
export async function runOnePass(
  query: (q: SqlQuery) => Promise<Row[]>,
  p: TableDidParams,
  d: Dialect,
): Promise<OnePassResult | null> {
  const [probe] = await query(onePassProbeQuery(p, d));
  if (!probeAllows(probe)) return null;
  if (!rangesFromStats(probe) && !rangesAllow((await query(onePassRangeQuery(p, d)))[0])) return null;
  const shift = num(probe.y0);
  if (mayBePaired(probe)) {
    // A balanced panel's sums are the grouped pass's sums: when they fail decodeOnePass's guards,
    // the grouped pass would fail them too.
    const paired = decodePairs(await query(pairedPassQuery(columns(p, d), d, shift)), probe);
    if (paired) return decodeOnePass(paired, probe, shift);
  }
  return decodeOnePass(await query(onePassQuery(p, d, shift)), probe, shift);
}
