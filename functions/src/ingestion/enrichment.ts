import type { EventInput, StandardEventRow } from "../contracts/event";

/**
 * Enrichment hooks: a workspace can add its own steps after normalisation (custom channel rules,
 * a geo lookup, bot filtering, …). A hook may change the row or reject it with a reason. Hooks are
 * synchronous on purpose: they run on every event on the hot path.
 */
export type EnrichmentOutcome = void | StandardEventRow | { reject: string };

export interface EventEnricher {
  readonly name: string;
  enrich(row: StandardEventRow, input: EventInput): EnrichmentOutcome;
}

export interface ChannelRule {
  /** Matched case-insensitively against the normalised source / medium / campaign; absent = any. */
  source?: string;
  medium?: string;
  campaign_contains?: string;
  channel: string;
}

/** A workspace's own channel rules, evaluated before the default grouping result is kept. */
export function customChannelRules(rules: ChannelRule[]): EventEnricher {
  const lowered = rules.map((r) => ({
    ...r,
    source: r.source?.toLowerCase(),
    medium: r.medium?.toLowerCase(),
    campaign_contains: r.campaign_contains?.toLowerCase(),
  }));
  return {
    name: "custom_channel_rules",
    enrich(row) {
      for (const r of lowered) {
        if (r.source && r.source !== row.source) continue;
        if (r.medium && r.medium !== row.medium) continue;
        if (r.campaign_contains && !(row.campaign ?? "").toLowerCase().includes(r.campaign_contains))
          continue;
        row.channel = r.channel;
        return;
      }
    },
  };
}

/** Drops events whose user agent looks like a crawler (a common workspace hook). */
export const botFilter: EventEnricher = {
  name: "bot_filter",
  enrich(row) {
    if (row.user_agent && /bot|crawler|spider|headlesschrome|slurp/i.test(row.user_agent)) {
      return { reject: "user agent is a known bot" };
    }
  },
};

export function runEnrichers(
  enrichers: readonly EventEnricher[],
  row: StandardEventRow,
  input: EventInput,
): { row: StandardEventRow } | { reject: string; hook: string } {
  let current = row;
  for (const hook of enrichers) {
    const out = hook.enrich(current, input);
    if (out && "reject" in out) return { reject: out.reject, hook: hook.name };
    if (out) current = out;
  }
  return { row: current };
}
