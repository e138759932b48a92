/** Transition rows from the warehouse → the chain the exact solver takes (see stats/attribution/markov). */
import type { MarkovChainInput } from "../../stats/attribution";
import { STATE_SEP } from "./sqlx";

export interface TransitionRow {
  prev: string | null;
  s: string;
  w: number;
  tc: number;
  tn: number;
  tv: number;
}

export interface BuiltChain {
  input: MarkovChainInput;
  /** State keys, readable ("a > b" for order 2). */
  labels: string[];
}

export function buildChain(rows: readonly TransitionRow[]): BuiltChain {
  const index = new Map<string, number>();
  const keys: string[] = [];
  const id = (key: string) => {
    let i = index.get(key);
    if (i === undefined) {
      i = keys.length;
      index.set(key, i);
      keys.push(key);
    }
    return i;
  };
  // Sorted keys: the same input gives the same state numbering, matrix and output order.
  for (const k of [...new Set(rows.flatMap((r) => (r.prev === null ? [r.s] : [r.s, r.prev])))].sort()) id(k);
  const n = keys.length;
  const start = new Float64Array(n);
  const conv = new Float64Array(n);
  const nulls = new Float64Array(n);
  const value = new Float64Array(n);
  const edges: { from: number; to: number; w: number }[] = [];
  for (const r of rows) {
    const s = id(r.s);
    if (r.prev === null) start[s] += r.w;
    else if (r.w !== 0) edges.push({ from: id(r.prev), to: s, w: r.w });
    conv[s] += r.tc;
    nulls[s] += r.tn;
    value[s] += r.tv;
  }
  const states = keys.map((k) => k.split(STATE_SEP));
  return {
    input: { states, start, edges, conv, nulls, value },
    labels: states.map((s) => s.join(" > ")),
  };
}

export interface TransitionMatrix {
  states: string[];
  /** Sparse rows: from, to, probability. "(start)", "(conversion)" and "(null)" are the special states. */
  transitions: { from: string; to: string; probability: number }[];
}

/** The estimated transition probabilities (for diagnostics and the dashboard's matrix). */
export function transitionMatrix(chain: BuiltChain): TransitionMatrix {
  const { input, labels } = chain;
  const n = labels.length;
  const out = new Float64Array(n);
  for (let s = 0; s < n; s++) out[s] = input.conv[s] + input.nulls[s];
  for (const e of input.edges) out[e.from] += e.w;
  let startTotal = 0;
  for (let s = 0; s < n; s++) startTotal += input.start[s];
  const t: TransitionMatrix["transitions"] = [];
  for (let s = 0; s < n; s++) {
    if (input.start[s] > 0) t.push({ from: "(start)", to: labels[s], probability: input.start[s] / startTotal });
  }
  const byFrom = new Map<number, { to: number; w: number }[]>();
  for (const e of input.edges) {
    const list = byFrom.get(e.from) ?? [];
    list.push(e);
    byFrom.set(e.from, list);
  }
  for (let s = 0; s < n; s++) {
    if (out[s] <= 0) continue;
    for (const e of (byFrom.get(s) ?? []).sort((a, b) => a.to - b.to)) {
      t.push({ from: labels[s], to: labels[e.to], probability: e.w / out[s] });
    }
    if (input.conv[s] > 0) t.push({ from: labels[s], to: "(conversion)", probability: input.conv[s] / out[s] });
    if (input.nulls[s] > 0) t.push({ from: labels[s], to: "(null)", probability: input.nulls[s] / out[s] });
  }
  return { states: labels, transitions: t };
}
