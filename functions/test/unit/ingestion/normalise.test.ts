import { describe, expect, it } from "vitest";
import { normaliseBatch, normaliseEvent, type NormaliseContext } from "../../../src/ingestion/normalise";
import { canonicalEventName } from "../../../src/ingestion/event-name";

const now = new Date("2026-06-01T12:00:00Z");
const ctx: NormaliseContext = {
  workspaceId: "acme",
  path: "http",
  receivedAt: now,
  window: { maxFutureSkewMs: 300_000, maxAgeMs: 400 * 86_400_000 },
};
const base = { event_name: "Order Completed", timestamp: "2026-06-01T13:30:00+02:00", user_id: "u1" };

describe("normaliseEvent", () => {
  it("canonicalises the name, converts the time to UTC and defaults the channel to Direct", () => {
    const r = normaliseEvent(base, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.row.event_name).toBe("purchase");
    expect(r.row.event_ts).toBe("2026-06-01T11:30:00.000Z");
    expect(r.row.channel).toBe("Direct");
    expect(r.row.source).toBe("(direct)");
    expect(r.row.workspace_id).toBe("acme");
  });

  it("derives a stable event id from the content when the client sends none", () => {
    const a = normaliseEvent({ ...base, properties: { b: 1, a: 2 } }, ctx);
    const b = normaliseEvent({ properties: { a: 2, b: 1 }, ...base }, ctx);
    const c = normaliseEvent({ ...base, properties: { a: 2, b: 2 } }, ctx);
    if (!a.ok || !b.ok || !c.ok) throw new Error("expected ok");
    expect(a.row.event_id).toBe(b.row.event_id);
    expect(a.row.event_id).not.toBe(c.row.event_id);
    expect(a.row.event_id).toMatch(/^[0-9a-f]{40}$/);
  });

  it("keeps the client's event id", () => {
    const r = normaliseEvent({ ...base, event_id: "client-1" }, ctx);
    expect(r.ok && r.row.event_id).toBe("client-1");
  });

  it.each([
    [{ ...base, timestamp: "2026-06-01T12:10:00Z" }, "timestamp", /in the future/],
    [{ ...base, timestamp: "2024-01-01T00:00:00Z" }, "timestamp", /older than 400 days/],
    [{ ...base, timestamp: "2026-06-01T12:00:00" }, "timestamp", /time zone/],
    [{ ...base, timestamp: "yesterday" }, "timestamp", /ISO-8601/],
    [{ ...base, user_id: undefined }, "user_id", /user_id or anonymous_id/],
    [{ ...base, revenue: 10 }, "currency", /currency is required/],
    [{ ...base, revenue: "10", currency: "USD" }, "revenue", /number/],
    [{ ...base, currency: "dollars", revenue: 1 }, "currency", /ISO 4217/],
    [{ ...base, context: { utm_source: 5 } }, "context.utm_source", /string/],
    [{ ...base, context: { utm_sauce: "x" } }, "context", /unknown field\(s\): utm_sauce/],
    [{ ...base, colour: "red" }, null, /unknown field\(s\): colour/],
    [{ ...base, event_name: "" }, "event_name", /empty/],
    [{ ...base, event_name: "!!!" }, "event_name", /no letters or digits/],
    [{ ...base, workspace_id: "other" }, "workspace_id", /does not match/],
    [{ timestamp: base.timestamp, user_id: "u" }, "event_name", /required/],
  ])("rejects %j at %s", (input, path, reason) => {
    const r = normaliseEvent(input, ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.path).toBe(path);
    expect(r.reason).toMatch(reason);
  });

  it("rejects non-objects", () => {
    for (const v of [null, 3, "x", [1]]) {
      const r = normaliseEvent(v, ctx);
      expect(r.ok).toBe(false);
    }
  });

  it("accepts epoch milliseconds and a clock a little fast", () => {
    const r = normaliseEvent({ ...base, timestamp: now.getTime() + 60_000 }, ctx);
    expect(r.ok && r.row.event_ts).toBe("2026-06-01T12:01:00.000Z");
  });

  it("runs enrichment hooks, which may reject", () => {
    const r = normaliseEvent(
      { ...base, context: { user_agent: "Googlebot/2.1" } },
      {
        ...ctx,
        enrichers: [
          {
            name: "bots",
            enrich: (row) => (row.user_agent?.includes("bot") ? { reject: "bot" } : undefined),
          },
        ],
      },
    );
    expect(r).toEqual({ ok: false, path: null, reason: "bots: bot" });
  });
});

describe("normaliseBatch", () => {
  it("reports each bad event by index and keeps the first of duplicate ids", () => {
    const out = normaliseBatch(
      [
        { ...base, event_id: "a" },
        { ...base, timestamp: "nope" },
        { ...base, event_id: "a" },
        { ...base, event_id: "b" },
      ],
      ctx,
    );
    expect(out.rows.map((r) => r.event_id)).toEqual(["a", "b"]);
    expect(out.rejected.map((r) => [r.index, r.path])).toEqual([
      [1, "timestamp"],
      [2, "event_id"],
    ]);
    expect(out.rejected[1].reason).toMatch(/duplicate of event 0/);
  });
});

describe("canonicalEventName", () => {
  it.each([
    ["Order Completed", "purchase"],
    ["pageView", "page_view"],
    ["Page Viewed", "page_view"],
    ["add-to-cart", "add_to_cart"],
    ["  Signed Up ", "sign_up"],
    ["Café Visit", "cafe_visit"],
    ["custom_event_42", "custom_event_42"],
  ])("%s → %s", (raw, want) => expect(canonicalEventName(raw)).toBe(want));
});
