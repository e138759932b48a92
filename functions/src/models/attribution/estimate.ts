/**
 * The `attribution` model's run: journeys in SQL, three aggregate queries, then the exact Markov solve
 * and the per-channel shares. Every model distributes the attributable conversions (journeys with at
 * least one touch) and their value; the diagnostics say whether each model's per-channel totals add
 * up to them.
 */
import type { Estimate } from "../../contracts/result";
import {
  markovSolveFlops,
  ruleCredits,
  shapleyCredits,
  type Credit,
  type PositionSum,
  type RankSum,
  proportional,
  reconcile,
  solveMarkov,
  SingularMatrixError,
  type Reconciliation,
} from "../../stats/attribution";
import { ModelFailure, type ModelContext, type ModelOutput } from "../model";
import { buildChain, transitionMatrix } from "./chain";
import { columnKindsQuery, eventsJourneys, tableJourneys, type JourneySql } from "./journeys";
import { ATTRIBUTION_MODELS, type AttributionModelName, type AttributionParams } from "./params";
import { combineQueries, totalsQuery, touchesQuery, transitionsQuery, type CountSum } from "./queries";

/** Dense solves above this many floating-point operations are refused (≈ seconds of CPU). */
export const MARKOV_MAX_FLOPS = 4e9;
/** The transition matrix is returned in the diagnostics up to this many transitions. */
export const MAX_MATRIX_TRANSITIONS = 5000;

export const CONVENTIONS = {
  first: "All of a journey's conversions and value to its first touch.",
  last: "All to its last touch.",
  linear: "Equal shares per touch, repeated touches included (1/n each).",
  time_decay:
    "Touch weight 2^(-age/half_life), age in days before the conversion, normalised within the journey.",
  position:
    "U-shaped: `first` and `last` shares to the end touches, the rest split equally between middle touches; " +
    "two-touch journeys split first:last in proportion; one touch gets everything.",
  markov:
    "Order-k empirical Markov chain (Anderl et al. 2016); removal effects 1 - P(conversion | channel removed) / " +
    "P(conversion) computed exactly with the fundamental matrix (linear solves, no simulation); conversions " +
    "attributed in proportion to the removal effects, value in proportion to the value removal effects " +
    "(same chain, expected conversion value instead of conversion probability).",
  shapley:
    "Simplified Shapley value (Zhao, Mahboobi & Bagheri 2018, eq. 8): the conversions of each distinct channel set " +
    "shared equally among its members; equal to the Shapley value of v(S) = conversions of journeys whose " +
    "channel set is a subset of S.",
  shapley_ordered:
    "Ordered Shapley value (Zhao et al. 2018, section 3.3): the same shares, assigned to each channel's rank among " +
    "the journey's distinct channels in order of first touch; the per-channel totals equal the simplified value.",
} as const;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export async function runAttribution(ctx: ModelContext<AttributionParams>): Promise<ModelOutput> {
  const p = ctx.params;
  const d = ctx.warehouse.dialect;
  const warnings: string[] = [];
  // warehouse: wall time until the last aggregate arrived (queries overlap); query_sum: their durations added.
  const w0 = performance.now();
  let warehouseMs = 0;
  const timed = async <T>(q: Parameters<typeof ctx.query>[0]): Promise<T[]> => {
    const t0 = performance.now();
    const res = await ctx.query<T>(q);
    warehouseMs += performance.now() - t0;
    return res.rows;
  };
  await ctx.stage("building journeys", 0.1);
  let j: JourneySql;
  if (p.source.kind === "table") {
    const kq = columnKindsQuery(p.source, d);
    const [kr] = kq ? await timed<Record<string, unknown>>(kq) : [];
    const isList = (t: unknown) => typeof t === "string" && t.endsWith("[]");
    j = tableJourneys(p.source, d, {
      pathIsList: isList(kr?.path_type),
      timesIsList: isList(kr?.times_type),
    });
  } else {
    j = eventsJourneys(p.source, d, ctx.workspaceId);
  }

  // The aggregates start with the totals, assuming whole-number counts (exact 64-bit integer sums, the
  // common case: journeys and ChannelAttribution files count conversions); if the totals then show
  // fractional counts, they are rerun in fixed point.
  const wantTouches = p.models.some((m) => m !== "markov");
  const wantMarkov = p.models.includes("markov");
  const touchQ = (counts: CountSum) => touchesQuery(j, d, p.time_decay.half_life_days, counts);
  const transQ = (counts: CountSum) =>
    transitionsQuery(j, d, p.markov.order, p.markov.collapse_repeats, counts);
  type Rows = Record<string, unknown>[];
  const aggregates = (counts: CountSum): Promise<[Rows, Rows]> =>
    Promise.all([
      wantTouches ? timed<Record<string, unknown>>(touchQ(counts)) : Promise.resolve([]),
      wantMarkov ? timed<Record<string, unknown>>(transQ(counts)) : Promise.resolve([]),
    ]);
  let tot: Record<string, unknown> | undefined;
  let speculative: Promise<[Rows, Rows]>;
  if (j.costly) {
    // Journeys from standard_events (identity join, windows, list aggregation) or from path strings
    // (a split per row) are expensive to build: one statement builds them once for all three
    // aggregates. Over list columns, separate concurrent queries are faster (measured in bench/attribution).
    const parts = [
      totalsQuery(j, d),
      ...(wantTouches ? [touchQ("integer")] : []),
      ...(wantMarkov ? [transQ("integer")] : []),
    ];
    const rows = await timed<Record<string, unknown>>(combineQueries(j, d, parts));
    const of = (label: string) => rows.filter((r) => r.part === label);
    tot = of("attribution_totals")[0];
    speculative = Promise.resolve([of("attribution_touches"), of("attribution_transitions")]);
  } else {
    speculative = aggregates("integer");
    // A failed totals check must not leave the speculative queries' rejections unhandled.
    speculative.catch(() => undefined);
    [tot] = await timed<Record<string, unknown>>(totalsQuery(j, d));
  }
  const t = Object.fromEntries(Object.entries(tot ?? {}).map(([k, v]) => [k, num(v)]));
  if (t.n_negative > 0) {
    throw new ModelFailure("invalid_params", `${t.n_negative} row(s) have negative conversions or nulls`);
  }
  const inputConv = t.conv - t.conv_empty;
  const inputVal = t.val - t.val_empty;
  if (t.n_empty > 0 && t.conv_empty > 0) {
    warnings.push(
      `${fmt(t.conv_empty)} conversion(s) had no touch in their journey and are not attributed ` +
        `(value ${fmt(t.val_empty)}).`,
    );
  }
  if (inputConv <= 0) {
    throw new ModelFailure("insufficient_data", "no conversions with at least one touch to attribute");
  }

  let models: AttributionModelName[] = ATTRIBUTION_MODELS.filter((m) => p.models.includes(m));
  if (models.includes("time_decay") && (!j.hasAges || t.n_no_ages > 0)) {
    if (models.length === 1) {
      throw new ModelFailure(
        "invalid_params",
        "time_decay needs touch times: give the table source a `times` column (ages in days per touch)",
      );
    }
    warnings.push("time_decay skipped: the journeys have no touch times (give a `times` column).");
    models = models.filter((m) => m !== "time_decay");
  }
  if (models.includes("time_decay") && t.n_age_mismatch > 0) {
    throw new ModelFailure(
      "invalid_params",
      `${t.n_age_mismatch} row(s) have a different number of touch times than touches`,
    );
  }
  if (wantMarkov && !j.hasNulls) {
    warnings.push(
      "No non-converting journeys: the Markov chain's conversion probability is 1 and removal effects only " +
        "reflect which channels every converting path needs.",
    );
  } else if (wantMarkov && t.nulls === 0) {
    warnings.push("Every journey converted: Markov removal effects only reflect path structure.");
  }

  await ctx.stage("aggregating touches", 0.3);
  const [touchRows, transRows] = t.n_fractional > 0 ? await aggregates("fixed") : await speculative;
  await ctx.checkCancelled();

  await ctx.stage("estimating", 0.7);
  const c0 = performance.now();
  const warehouseWallMs = c0 - w0;
  const perModel = new Map<AttributionModelName, Map<string, { c: number; v: number }>>();
  const put = (m: AttributionModelName, credits: Map<string, Credit>) =>
    perModel.set(m, new Map([...credits].map(([ch, x]) => [ch, { c: x.conv, v: x.value }])));
  const channelSet = new Set<string>();
  // gb = GROUPING bits of (i, n, k, m): 3 = (ch, i, n), 12 = (ch, k, m), 15 = (ch) — see touchesQuery.
  const positions: PositionSum[] = [];
  const ranks: RankSum[] = [];
  const decay = new Map<string, Credit>();
  for (const r of touchRows) {
    const ch = String(r.ch);
    channelSet.add(ch);
    const g = num(r.gb);
    if (g === 3) positions.push({ ch, i: num(r.i), n: num(r.n), conv: num(r.c), value: num(r.v) });
    else if (g === 12 && r.k !== null && r.k !== undefined)
      ranks.push({ ch, k: num(r.k), m: num(r.m), conv: num(r.c), value: num(r.v) });
    else if (g === 15) decay.set(ch, { conv: num(r.td_c), value: num(r.td_v) });
  }
  const rules = ruleCredits(positions, p.position);
  const shap = shapleyCredits(ranks);
  for (const m of models) {
    if (m === "first" || m === "last" || m === "linear" || m === "position") put(m, rules[m]);
    else if (m === "time_decay") put(m, decay);
    else if (m === "shapley" || m === "shapley_ordered") put(m, shap.total);
  }
  const byRank = new Map([...shap.byRank].map(([ch, x]) => [ch, { c: x.conv, v: x.value }]));

  const diagnostics: Record<string, unknown> = {};
  if (wantMarkov) {
    const k = p.markov.order;
    const chain = buildChain(
      transRows.map((r) => ({
        window: Array.from({ length: k + 1 }, (_, x) => {
          const c = r[`c_${x}`];
          return c === null || c === undefined ? null : String(c);
        }),
        fin: num(r.e) === 1,
        w: num(r.w),
        tc: num(r.tc),
        tn: num(r.tn),
        tv: num(r.tv),
      })),
    );
    const flops = markovSolveFlops(chain.input.states);
    if (flops > MARKOV_MAX_FLOPS) {
      throw new ModelFailure(
        "invalid_params",
        `markov order ${p.markov.order} gives ${chain.labels.length.toLocaleString("en-US")} states; the exact ` +
          `solves would take ~${(flops / 1e9).toFixed(0)} GFLOP (limit ${MARKOV_MAX_FLOPS / 1e9}). Lower markov.order ` +
          `or merge channels.`,
      );
    }
    let sol;
    try {
      sol = solveMarkov(chain.input);
    } catch (e) {
      if (e instanceof SingularMatrixError) {
        throw new ModelFailure("numerical_error", `the Markov chain cannot be solved: ${e.message}`);
      }
      throw e;
    }
    const re = sol.removals.map((r) => r.removal_effect);
    const reV = sol.removals.map((r) => r.removal_effect_value);
    const conv = proportional(inputConv, re);
    const val = proportional(inputVal, reV);
    for (const r of sol.removals) channelSet.add(r.channel);
    perModel.set("markov", new Map(sol.removals.map((r, i) => [r.channel, { c: conv[i], v: val[i] }])));
    const tm = transitionMatrix(chain);
    diagnostics.markov = {
      method: "exact: absorbing-chain fundamental matrix, one LU solve per removal (no simulation)",
      order: p.markov.order,
      collapse_repeats: p.markov.collapse_repeats,
      states: chain.labels.length,
      conversion_probability: sol.conversion_probability,
      value_per_journey: sol.value_per_journey,
      removal_effects: sol.removals.map((r) => ({
        channel: r.channel,
        removal_effect: r.removal_effect,
        removal_effect_value: r.removal_effect_value,
        conversion_probability_without: r.conversion_probability,
        value_per_journey_without: r.value_per_journey,
      })),
      transition_matrix:
        tm.transitions.length <= MAX_MATRIX_TRANSITIONS
          ? tm
          : { states: tm.states, transitions: [], truncated: tm.transitions.length },
    };
  }
  const channels = [...channelSet].sort();

  const estimates: Estimate[] = [];
  const reconciliation: Record<string, { conversions: Reconciliation; value: Reconciliation | null }> = {};
  for (const m of models) {
    const byCh = perModel.get(m) ?? new Map<string, { c: number; v: number }>();
    const rows = channels.map((ch) => ({ ch, ...(byCh.get(ch) ?? { c: 0, v: 0 }) }));
    const rc = reconcile(
      inputConv,
      rows.map((r) => r.c),
    );
    const rv = j.hasValue
      ? reconcile(
          inputVal,
          rows.map((r) => r.v),
        )
      : null;
    reconciliation[m] = { conversions: rc, value: rv };
    for (const r of rows) {
      const rank = m === "shapley_ordered" ? byRank.get(r.ch) : undefined;
      estimates.push({
        term: r.ch,
        model: m,
        estimate: r.c,
        value: j.hasValue ? r.v : null,
        share: r.c / inputConv,
        std_error: null,
        ci_low: null,
        ci_high: null,
        p_value: null,
        ...(m === "shapley_ordered"
          ? { by_rank: rank ? rank.c : [], value_by_rank: j.hasValue ? (rank ? rank.v : []) : null }
          : {}),
      });
    }
  }
  const allReconcile = Object.values(reconciliation).every(
    (r) => r.conversions.reconciles && (r.value?.reconciles ?? true),
  );
  if (!allReconcile)
    warnings.push("Some model's per-channel totals do not add up to the input (see diagnostics).");
  const computeMs = performance.now() - c0;

  return {
    estimates,
    diagnostics: {
      models,
      channels,
      totals: {
        rows: t.n_rows,
        conversions: t.conv,
        value: j.hasValue ? t.val : null,
        nulls: j.hasNulls ? t.nulls : null,
        attributable_conversions: inputConv,
        attributable_value: j.hasValue ? inputVal : null,
        unattributed_conversions: t.conv_empty,
        max_path_length: t.max_len,
      },
      reconciles: allReconcile,
      reconciliation,
      params: {
        time_decay_half_life_days: p.time_decay.half_life_days,
        position: p.position,
      },
      conventions: Object.fromEntries(models.map((m) => [m, CONVENTIONS[m]])),
      ...diagnostics,
      timing_ms: { warehouse: warehouseWallMs, query_sum: warehouseMs, compute: computeMs },
    },
    n_obs: Math.round(t.n_rows - t.n_empty),
    warnings,
  };
}

function fmt(x: number): string {
  return Number.isInteger(x) ? x.toLocaleString("en-US") : x.toFixed(2);
}
