/**
 * Shape guards for the attribution result: estimates are one row per (model, channel) with
 * estimate = conversions and value = value; diagnostics.markov holds the removal effects and the
 * transition matrix. Anything missing or malformed reads as null and is not drawn.
 */
import type { ResultEnvelope } from "@cfap/contracts";

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export const MODEL_LABELS: Record<string, string> = {
  first: "First touch",
  last: "Last touch",
  linear: "Linear",
  time_decay: "Time decay",
  position: "Position-based",
  markov: "Markov",
  shapley: "Shapley",
  shapley_ordered: "Ordered Shapley",
};

export interface Pivot {
  models: string[];
  channels: string[];
  /** channel → model → { conversions, value } */
  cells: Map<string, Map<string, { conversions: number; value: number | null }>>;
  hasValue: boolean;
}

export function pivot(envelope: ResultEnvelope): Pivot | null {
  const models: string[] = [];
  const channels: string[] = [];
  const cells: Pivot["cells"] = new Map();
  let hasValue = false;
  for (const e of envelope.estimates) {
    const model = typeof e.model === "string" ? e.model : null;
    const c = num(e.estimate);
    if (!model || c === null) continue;
    if (!models.includes(model)) models.push(model);
    if (!channels.includes(e.term)) channels.push(e.term);
    const v = num(e.value);
    if (v !== null) hasValue = true;
    let row = cells.get(e.term);
    if (!row) cells.set(e.term, (row = new Map()));
    row.set(model, { conversions: c, value: v });
  }
  return models.length && channels.length ? { models, channels, cells, hasValue } : null;
}

export interface RemovalEffect {
  channel: string;
  removal_effect: number;
  removal_effect_value: number | null;
}

export interface MarkovDiag {
  order: number | null;
  states: number | null;
  conversionProbability: number | null;
  removalEffects: RemovalEffect[];
  matrix: { states: string[]; transitions: { from: string; to: string; probability: number }[] } | null;
}

export function markov(d: Record<string, unknown>): MarkovDiag | null {
  const m = d.markov;
  if (!isObject(m)) return null;
  const removalEffects = Array.isArray(m.removal_effects)
    ? m.removal_effects
        .filter(
          (r): r is Record<string, unknown> =>
            isObject(r) && typeof r.channel === "string" && num(r.removal_effect) !== null,
        )
        .map((r) => ({
          channel: r.channel as string,
          removal_effect: r.removal_effect as number,
          removal_effect_value: num(r.removal_effect_value),
        }))
    : [];
  let matrix: MarkovDiag["matrix"] = null;
  const tm = m.transition_matrix;
  if (isObject(tm) && Array.isArray(tm.states) && Array.isArray(tm.transitions)) {
    const transitions = tm.transitions.filter(
      (t): t is { from: string; to: string; probability: number } =>
        isObject(t) && typeof t.from === "string" && typeof t.to === "string" && num(t.probability) !== null,
    );
    const states = tm.states.filter((s): s is string => typeof s === "string");
    if (transitions.length && states.length) matrix = { states, transitions };
  }
  return {
    order: num(m.order),
    states: num(m.states),
    conversionProbability: num(m.conversion_probability),
    removalEffects,
    matrix,
  };
}

/** channel → conversions by rank of first touch (ordered Shapley). */
export function shapleyRanks(envelope: ResultEnvelope): { channel: string; ranks: number[] }[] {
  return envelope.estimates
    .filter((e) => e.model === "shapley_ordered" && Array.isArray(e.by_rank))
    .map((e) => ({ channel: e.term, ranks: (e.by_rank as unknown[]).map((x) => num(x) ?? 0) }));
}

export interface Totals {
  conversions: number | null;
  value: number | null;
  reconciles: boolean | null;
}

export function totals(d: Record<string, unknown>): Totals {
  const t = isObject(d.totals) ? d.totals : {};
  return {
    conversions: num(t.attributable_conversions),
    value: num(t.attributable_value),
    reconciles: typeof d.reconciles === "boolean" ? d.reconciles : null,
  };
}

export function conventions(d: Record<string, unknown>): [string, string][] {
  const c = d.conventions;
  if (!isObject(c)) return [];
  return Object.entries(c).filter((e): e is [string, string] => typeof e[1] === "string");
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The channels × models table as CSV: one row per channel, conversions (and value) per model. */
export function pivotCsv(p: Pivot): string {
  const head = [
    "channel",
    ...p.models.map((m) => `${m}_conversions`),
    ...(p.hasValue ? p.models.map((m) => `${m}_value`) : []),
  ];
  const lines = [head.join(",")];
  for (const ch of p.channels) {
    const row = p.cells.get(ch);
    lines.push(
      [
        cell(ch),
        ...p.models.map((m) => cell(row?.get(m)?.conversions)),
        ...(p.hasValue ? p.models.map((m) => cell(row?.get(m)?.value)) : []),
      ].join(","),
    );
  }
  return lines.join("\r\n") + "\r\n";
}

export function transitionsCsv(m: NonNullable<MarkovDiag["matrix"]>): string {
  return (
    [
      "from,to,probability",
      ...m.transitions.map((t) => [cell(t.from), cell(t.to), t.probability].join(",")),
    ].join("\r\n") + "\r\n"
  );
}
