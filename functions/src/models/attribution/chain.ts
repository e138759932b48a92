/** Transition rows from the warehouse → the chain the exact solver takes (see stats/attribution/markov). */
import type { MarkovChainInput } from "../../stats/attribution";

/** One GROUP BY row of transitionsQuery: the window c_0 … c_k (NULL before the start), fin = last touch. */
export interface TransitionRow {
  window: (string | null)[];
  fin: boolean;
  w: number;
  tc: number;
  tn: number;
  tv: number;
}

export interface BuiltChain {
  input: MarkovChainInput;
  /** State labels, readable ("a > b" for order 2). */
  labels: string[];
}

const present = (xs: (string | null)[]): string[] => xs.filter((x): x is string => x !== null);

export function buildChain(rows: readonly TransitionRow[]): BuiltChain {
  const keyOf = (s: string[]) => JSON.stringify(s);
  const byKey = new Map<string, string[]>();
  for (const r of rows) {
    const s = present(r.window.slice(1));
    byKey.set(keyOf(s), s);
  }
  // Sorted keys: the same input gives the same state numbering, matrix and output order.
  const keys = [...byKey.keys()].sort();
  const index = new Map(keys.map((k, i) => [k, i]));
  const n = keys.length;
  const start = new Float64Array(n);
  const conv = new Float64Array(n);
  const nulls = new Float64Array(n);
  const value = new Float64Array(n);
  const edgeW = new Map<number, number>();
  for (const r of rows) {
    const s = index.get(keyOf(present(r.window.slice(1))))!;
    const prev = present(r.window.slice(0, -1));
    if (prev.length === 0) start[s] += r.w;
    else if (r.w !== 0) {
      const from = index.get(keyOf(prev));
      // A prefix state always exists (it was the state one touch earlier); guard anyway.
      if (from !== undefined) edgeW.set(from * n + s, (edgeW.get(from * n + s) ?? 0) + r.w);
    }
    if (r.fin) {
      conv[s] += r.tc;
      nulls[s] += r.tn;
      value[s] += r.tv;
    }
  }
  const edges = [...edgeW.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([k, w]) => ({ from: Math.floor(k / n), to: k % n, w }));
  const states = keys.map((k) => byKey.get(k)!);
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
    if (input.start[s] > 0)
      t.push({ from: "(start)", to: labels[s], probability: input.start[s] / startTotal });
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
    if (input.conv[s] > 0)
      t.push({ from: labels[s], to: "(conversion)", probability: input.conv[s] / out[s] });
    if (input.nulls[s] > 0) t.push({ from: labels[s], to: "(null)", probability: input.nulls[s] / out[s] });
  }
  return { states: labels, transitions: t };
}
