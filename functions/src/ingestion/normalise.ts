import { createHash } from "node:crypto";
import {
  eventInputSchema,
  type EventInput,
  type IngestPath,
  type RejectedEvent,
  type StandardEventRow,
} from "../contracts/event";
import { canonicalEventName } from "./event-name";
import { canonicalJson } from "./canonical-json";
import { normaliseTimestamp, type TimeWindow, type TimestampResult } from "./timestamp";
import { trafficSource, type TrafficSource } from "./traffic-source";
import { channelOf } from "./channel";
import { runEnrichers, type EventEnricher } from "./enrichment";
import { firstIssue } from "./zod-issues";
import { fastValidateEvent, isCanonicalIso } from "./fast-validate";

export interface NormaliseContext {
  /** The workspace the credentials are scoped to; an event naming another workspace is refused. */
  workspaceId: string;
  path: IngestPath;
  receivedAt: Date;
  window: TimeWindow;
  enrichers?: readonly EventEnricher[];
}

export type NormaliseResult =
  { ok: true; row: StandardEventRow } | { ok: false; path: string | null; reason: string };

/**
 * The deterministic id of an event without a client id: a SHA-256 over its canonical content, so a
 * re-sent event (retry, replayed file) gets the same id and is deduplicated.
 */
export function contentEventId(
  workspaceId: string,
  e: EventInput,
  eventTs: string,
  eventName: string,
): string {
  const content = canonicalJson({
    w: workspaceId,
    n: eventName,
    t: eventTs,
    u: e.user_id ?? null,
    a: e.anonymous_id ?? null,
    s: e.session_id ?? null,
    p: e.properties ?? null,
    c: e.context ?? null,
    r: e.revenue ?? null,
    cur: e.currency ? e.currency.toUpperCase() : null,
    o: e.order_id ?? null,
  });
  return createHash("sha256").update(content).digest("hex").slice(0, 40);
}

/** Values that are the same for every event of a batch (computed once, not per event). */
interface BatchConstants {
  receivedAtMs: number;
  receivedAtIso: string;
}

function batchConstants(ctx: NormaliseContext): BatchConstants {
  return { receivedAtMs: ctx.receivedAt.getTime(), receivedAtIso: ctx.receivedAt.toISOString() };
}

/**
 * Channel of a traffic source. The grouping runs a dozen regexes; its input (source, medium,
 * campaign) has few distinct values in practice, so results are memoised (bounded).
 */
const channelCache = new Map<string, string>();
function cachedChannel(t: TrafficSource): string {
  const key = `${t.source}\u0000${t.medium}\u0000${t.campaign ?? "\u0001"}`;
  let hit = channelCache.get(key);
  if (hit === undefined) {
    hit = channelOf(t);
    if (channelCache.size >= 10_000) channelCache.clear();
    channelCache.set(key, hit);
  }
  return hit;
}

/**
 * normaliseTimestamp, short-cut for the common case: a validated `YYYY-MM-DDThh:mm:ss.sssZ` inside the
 * window is already what `toISOString()` would print, so no Date is built. Anything else (other
 * forms, out of window) takes the shared path, which also words the rejection.
 */
function eventTime(input: string | number, receivedAtMs: number, window: TimeWindow): TimestampResult {
  if (typeof input === "string" && isCanonicalIso(input)) {
    const ms = Date.parse(input);
    if (ms <= receivedAtMs + window.maxFutureSkewMs && ms >= receivedAtMs - window.maxAgeMs) {
      return { ok: true, iso: input, ms };
    }
  }
  return normaliseTimestamp(input, receivedAtMs, window);
}

/** validate → normalise → enrich, for one raw event. Never throws on bad input. */
export function normaliseEvent(raw: unknown, ctx: NormaliseContext): NormaliseResult {
  return normaliseOne(raw, ctx, batchConstants(ctx));
}

function normaliseOne(raw: unknown, ctx: NormaliseContext, k: BatchConstants): NormaliseResult {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return { ok: false, path: null, reason: "an event must be a JSON object" };
  }
  // Fast path: a hand-written validator that only ever accepts what zod accepts (see fast-validate.ts);
  // anything it is unsure of goes through zod, so rejections keep zod's paths and messages.
  let e = fastValidateEvent(raw);
  if (e === undefined) {
    const parsed = eventInputSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, ...firstIssue(parsed.error) };
    e = parsed.data;
  }
  if (e.workspace_id && e.workspace_id !== ctx.workspaceId) {
    return {
      ok: false,
      path: "workspace_id",
      reason: `workspace ${e.workspace_id} does not match the credentials' workspace ${ctx.workspaceId}`,
    };
  }
  const ts = eventTime(e.timestamp, k.receivedAtMs, ctx.window);
  if (!ts.ok) return { ok: false, path: "timestamp", reason: ts.reason };
  const eventName = canonicalEventName(e.event_name);
  if (!eventName) return { ok: false, path: "event_name", reason: "has no letters or digits" };

  const c = e.context ?? {};
  const traffic = trafficSource(c);
  const row: StandardEventRow = {
    workspace_id: ctx.workspaceId,
    event_id: e.event_id ?? contentEventId(ctx.workspaceId, e, ts.iso, eventName),
    event_name: eventName,
    event_ts: ts.iso,
    received_at: k.receivedAtIso,
    user_id: e.user_id ?? null,
    anonymous_id: e.anonymous_id ?? null,
    session_id: e.session_id ?? null,
    properties: e.properties ? JSON.stringify(e.properties) : null,
    page_url: c.page_url ?? null,
    referrer: c.referrer ?? null,
    user_agent: c.user_agent ?? null,
    utm_source: c.utm_source ?? null,
    utm_medium: c.utm_medium ?? null,
    utm_campaign: c.utm_campaign ?? null,
    utm_term: c.utm_term ?? null,
    utm_content: c.utm_content ?? null,
    source: traffic.source,
    medium: traffic.medium,
    campaign: traffic.campaign,
    channel: cachedChannel(traffic),
    revenue: e.revenue ?? null,
    currency: e.currency ? e.currency.toUpperCase() : null,
    order_id: e.order_id ?? null,
    ingest_path: ctx.path,
  };
  if (!ctx.enrichers || ctx.enrichers.length === 0) return { ok: true, row };
  const enriched = runEnrichers(ctx.enrichers, row, e);
  if ("reject" in enriched) return { ok: false, path: null, reason: `${enriched.hook}: ${enriched.reject}` };
  return { ok: true, row: enriched.row };
}

export interface BatchOutcome {
  rows: StandardEventRow[];
  rejected: RejectedEvent[];
}

/**
 * Normalises a batch. Events repeating an event_id already seen in the same batch are reported (the
 * first occurrence is kept), so the response explains every event that was not accepted.
 */
export function normaliseBatch(
  raws: readonly unknown[],
  ctx: NormaliseContext,
  indexOffset = 0,
): BatchOutcome {
  const rows: StandardEventRow[] = [];
  const rejected: RejectedEvent[] = [];
  const seen = new Map<string, number>();
  const k = batchConstants(ctx);
  for (let i = 0; i < raws.length; i++) {
    const index = i + indexOffset;
    const r = normaliseOne(raws[i], ctx, k);
    if (!r.ok) {
      rejected.push({ index, path: r.path, reason: r.reason });
      continue;
    }
    const first = seen.get(r.row.event_id);
    if (first !== undefined) {
      rejected.push({
        index,
        path: "event_id",
        reason: `duplicate of event ${first} in the same batch (kept once)`,
      });
      continue;
    }
    seen.set(r.row.event_id, index);
    rows.push(r.row);
  }
  return { rows, rejected };
}
