/**
 * Markov-chain attribution, exact. The chain is the empirical one of Anderl, Becker, von Wangenheim &
 * Schumann (2016, "Mapping the customer journey", IJRM 33(3)): transient states are channels (order 1)
 * or tuples of the last k channels (order k), plus (start) and the absorbing (conversion) and (null).
 * Transition probabilities are observed transition weights over each state's total outflow.
 *
 * With Q the transient-to-transient block, r the one-step conversion probabilities, v the expected
 * conversion value per visit (value of conversions leaving the state / its outflow) and π the start
 * distribution, the conversion probability and value per journey are
 *
 *   P = πᵀ (I − Q)⁻¹ r,      V = πᵀ (I − Q)⁻¹ v        (Kemeny & Snell's fundamental matrix N = (I − Q)⁻¹).
 *
 * Removing channel c turns every state that contains c into (null): the same formulas on the chain
 * restricted to the other states give P₋c, V₋c and the removal effects RE_c = 1 − P₋c / P and
 * RE^V_c = 1 − V₋c / V. ChannelAttribution estimates these by simulating journeys; here each is one
 * linear solve (we solve (I − Q)ᵀ y = π, then P = y·r and V = y·v share the factorisation), so the
 * same input always gives the same output.
 */
import { luFactor, luSolve } from "./lu";

export interface MarkovChainInput {
  /** Channels of each transient state (a 1-tuple for order 1, the last ≤ k channels for order k). */
  states: string[][];
  /** Weight of (start) → state. */
  start: ArrayLike<number>;
  /** Transient → transient weights. */
  edges: ReadonlyArray<{ from: number; to: number; w: number }>;
  /** Weights of state → (conversion), state → (null), and the conversion value leaving each state. */
  conv: ArrayLike<number>;
  nulls: ArrayLike<number>;
  value: ArrayLike<number>;
}

export interface ChannelRemoval {
  channel: string;
  /** P₋c and V₋c: conversion probability and value per journey with the channel removed. */
  conversion_probability: number;
  value_per_journey: number;
  removal_effect: number;
  removal_effect_value: number;
}

export interface MarkovSolution {
  channels: string[];
  conversion_probability: number;
  value_per_journey: number;
  removals: ChannelRemoval[];
}

/** Floating-point operations of the dense solves (n³/3 per LU), for the cost guard. */
export function markovSolveFlops(states: string[][]): number {
  const channels = channelsOf(states);
  let flops = states.length ** 3 / 3;
  for (const c of channels) {
    const alive = states.filter((s) => !s.includes(c)).length;
    flops += alive ** 3 / 3;
  }
  return flops;
}

export function channelsOf(states: string[][]): string[] {
  return [...new Set(states.flat())].sort();
}

/**
 * P and V of the chain restricted to the states `alive` marks (the others are (null)).
 * Exposed for tests; `solveMarkov` is the entry point.
 */
export function absorb(input: MarkovChainInput, alive: (state: number) => boolean): { p: number; v: number } {
  const n = input.states.length;
  const out = new Float64Array(n);
  for (let s = 0; s < n; s++) out[s] = input.conv[s] + input.nulls[s];
  for (const e of input.edges) out[e.from] += e.w;
  const idx = new Int32Array(n).fill(-1);
  let m = 0;
  for (let s = 0; s < n; s++) if (alive(s) && out[s] > 0) idx[s] = m++;
  let startTotal = 0;
  for (let s = 0; s < n; s++) startTotal += input.start[s];
  if (m === 0 || startTotal <= 0) return { p: 0, v: 0 };
  // Aᵀ with A = I − Q over the alive states: (Aᵀ)_{ji} = δ_ij − Q_ij.
  const at = new Float64Array(m * m);
  for (let i = 0; i < m; i++) at[i * m + i] = 1;
  for (const e of input.edges) {
    const i = idx[e.from];
    const j = idx[e.to];
    if (i < 0 || j < 0) continue;
    at[j * m + i] -= e.w / out[e.from];
  }
  const pi = new Float64Array(m);
  const r = new Float64Array(m);
  const val = new Float64Array(m);
  for (let s = 0; s < n; s++) {
    const i = idx[s];
    if (i < 0) continue;
    pi[i] = input.start[s] / startTotal;
    r[i] = input.conv[s] / out[s];
    val[i] = input.value[s] / out[s];
  }
  const y = luSolve(luFactor(at, m), pi);
  let p = 0;
  let v = 0;
  for (let i = 0; i < m; i++) {
    p += y[i] * r[i];
    v += y[i] * val[i];
  }
  return { p, v };
}

export function solveMarkov(input: MarkovChainInput): MarkovSolution {
  const channels = channelsOf(input.states);
  const full = absorb(input, () => true);
  const removals = channels.map((c): ChannelRemoval => {
    const cut = absorb(input, (s) => !input.states[s].includes(c));
    return {
      channel: c,
      conversion_probability: cut.p,
      value_per_journey: cut.v,
      removal_effect: full.p > 0 ? clamp01(1 - cut.p / full.p) : 0,
      removal_effect_value: full.v > 0 ? clamp01(1 - cut.v / full.v) : 0,
    };
  });
  return { channels, conversion_probability: full.p, value_per_journey: full.v, removals };
}

/** Removing states can only lower absorption into (conversion); clamp rounding noise of order 1e-16. */
function clamp01(x: number): number {
  return x < 0 && x > -1e-12 ? 0 : x > 1 && x < 1 + 1e-12 ? 1 : x;
}
