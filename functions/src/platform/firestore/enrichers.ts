import type { Firestore } from "firebase-admin/firestore";
import {
  botFilter,
  customChannelRules,
  type ChannelRule,
  type EventEnricher,
} from "../../ingestion/enrichment";
import { paths } from "./paths";

const cache = new Map<string, { hooks: readonly EventEnricher[]; until: number }>();

/**
 * A workspace's enrichment hooks, from its settings document (`enrichment.channel_rules`,
 * `enrichment.filter_bots`). Cached for a minute: they are read on every ingestion request.
 */
export async function loadEnrichers(db: Firestore, workspaceId: string): Promise<readonly EventEnricher[]> {
  const hit = cache.get(workspaceId);
  if (hit && hit.until > Date.now()) return hit.hooks;
  const snap = await db.doc(paths.workspace(workspaceId)).get();
  const cfg = (snap.get("enrichment") ?? {}) as { channel_rules?: ChannelRule[]; filter_bots?: boolean };
  const hooks: EventEnricher[] = [];
  if (cfg.filter_bots) hooks.push(botFilter);
  if (Array.isArray(cfg.channel_rules) && cfg.channel_rules.length > 0)
    hooks.push(customChannelRules(cfg.channel_rules));
  cache.set(workspaceId, { hooks, until: Date.now() + 60_000 });
  return hooks;
}
