import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { seedFirebase, demoApiKey } from "../../src/demo/seed-firebase";
import {
  api,
  countEvents,
  eventually,
  requireEmulators,
  signIn,
  warehouse,
  FUNCTIONS,
} from "../support/emulator-client";

const now = () => new Date(Date.now() - 60_000).toISOString();
const ev = (id: string, extra: Record<string, unknown> = {}) => ({
  event_id: id,
  event_name: "Order Completed",
  timestamp: now(),
  user_id: "it-user",
  revenue: 10,
  currency: "usd",
  context: { utm_source: "google", utm_medium: "cpc", utm_campaign: "it" },
  ...extra,
});

let demoToken: string;
let otherToken: string;
const demoKey = demoApiKey("demo");

beforeAll(async () => {
  requireEmulators();
  await seedFirebase();
  demoToken = await signIn("demo@cfap.dev", "demo-password");
  otherToken = await signIn("other@cfap.dev", "other-password");
});

describe("POST /v1/events", () => {
  it("accepts good events, reports each bad one, and writes each event exactly once (also on replay)", async () => {
    const tag = randomUUID().slice(0, 8);
    const batch = [
      ev(`${tag}-1`),
      ev(`${tag}-2`, { timestamp: "not a time" }),
      ev(`${tag}-3`),
      ev(`${tag}-1`),
      ev(`${tag}-4`, { context: { utm_sauce: "x" } }),
    ];
    const res = await api("POST", "/v1/events", { apiKey: demoKey, body: { events: batch } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ workspace_id: "demo", received: 5, accepted: 2, rejected: 3 });
    expect(res.body.errors).toEqual([
      { index: 1, path: "timestamp", reason: expect.stringMatching(/ISO-8601/) },
      { index: 3, path: "event_id", reason: expect.stringMatching(/duplicate of event 0/) },
      { index: 4, path: "context", reason: "unknown field(s): utm_sauce" },
    ]);
    const where = "event_id LIKE $p";
    await eventually(
      async () => (await countEvents("demo", where, { p: `${tag}-%` })) === 2,
      30_000,
      "2 rows",
    );
    const again = await api("POST", "/v1/events", { apiKey: demoKey, body: { events: batch } });
    expect(again.status).toBe(202);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await countEvents("demo", where, { p: `${tag}-%` })).toBe(2);
    const { rows } = await warehouse().query<Record<string, unknown>>({
      label: "it_row",
      sql: "SELECT event_name, channel, currency, ingest_path FROM standard_events WHERE workspace_id = 'demo' AND event_id = $id",
      params: { id: `${tag}-1` },
    });
    expect(rows).toEqual([
      { event_name: "purchase", channel: "Paid Search", currency: "USD", ingest_path: "http" },
    ]);
    // Rejected rows are kept with their reasons for the ingestion-health screen.
    const rejected = await api<{ rows: Array<{ reason: string }> }>(
      "GET",
      "/v1/rejections?workspace_id=demo",
      { token: demoToken },
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body.rows.some((r) => /utm_sauce/.test(r.reason))).toBe(true);
  });

  it("accepts a single event and a bare array, with a Firebase ID token", async () => {
    const tag = randomUUID().slice(0, 8);
    const one = await api("POST", "/v1/events", {
      token: demoToken,
      body: { ...ev(`${tag}-a`), workspace_id: "demo" },
    });
    expect(one.status).toBe(202);
    expect(one.body).toMatchObject({ accepted: 1, rejected: 0 });
    const arr = await api("POST", "/v1/events", { apiKey: demoKey, body: [ev(`${tag}-b`), ev(`${tag}-c`)] });
    expect(arr.body).toMatchObject({ accepted: 2 });
    await eventually(
      async () => (await countEvents("demo", "event_id LIKE $p", { p: `${tag}-%` })) === 3,
      30_000,
      "3 rows",
    );
  });

  it.each([
    ["no credentials", {}, 401, "unauthenticated"],
    ["a malformed key", { apiKey: "nope" }, 401, "unauthenticated"],
    ["an unknown key", { apiKey: "cfap_" + "x".repeat(32) }, 401, "unauthenticated"],
    ["a bad token", { token: "garbage" }, 401, "unauthenticated"],
  ])("refuses %s", async (_label, auth, status, code) => {
    const res = await api("POST", "/v1/events", {
      ...auth,
      body: { workspace_id: "demo", events: [ev("x")] },
    });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error: { code } });
  });

  it("keeps workspaces apart: 403 for a non-member or another workspace's key, 404 for unknown workspaces", async () => {
    const asOther = await api("POST", "/v1/events", {
      token: otherToken,
      body: { workspace_id: "demo", events: [ev("x")] },
    });
    expect(asOther.status).toBe(403);
    const keyElsewhere = await api("POST", "/v1/events", {
      apiKey: demoKey,
      body: { workspace_id: "other", events: [ev("x")] },
    });
    expect(keyElsewhere.status).toBe(403);
    const unknown = await api("POST", "/v1/events", {
      token: demoToken,
      body: { workspace_id: "nowhere", events: [ev("x")] },
    });
    expect(unknown.status).toBe(404);
  });

  it("answers bad bodies with specific errors", async () => {
    // With Content-Type: application/json the platform's body parser refuses malformed JSON with a 400
    // before the function runs; any other content type reaches our own parser and its specific error.
    const platform = await api("POST", "/v1/events", { apiKey: demoKey, raw: '{"events": [' });
    expect(platform.status).toBe(400);
    const malformed = await api("POST", "/v1/events", {
      apiKey: demoKey,
      raw: '{"events": [',
      headers: { "content-type": "text/plain" },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({
      error: { code: "invalid_json", message: expect.stringMatching(/malformed JSON/) },
    });
    const empty = await api("POST", "/v1/events", { apiKey: demoKey, body: { events: [] } });
    expect(empty.status).toBe(400);
    const notArray = await api("POST", "/v1/events", { apiKey: demoKey, body: { events: "x" } });
    expect(notArray.status).toBe(400);
    expect(notArray.body).toMatchObject({ error: { issues: [{ path: "events" }] } });
    const tooMany = await api("POST", "/v1/events", {
      apiKey: demoKey,
      body: { events: Array.from({ length: 1001 }, (_, i) => ev(`m${i}`)) },
    });
    expect(tooMany.status).toBe(413);
    const tooBig = await api("POST", "/v1/events", {
      apiKey: demoKey,
      body: { events: [ev("big", { properties: { blob: "x".repeat(1_100_000) } })] },
    });
    expect(tooBig.status).toBe(413);
    const notUtf8 = await api("POST", "/v1/events", {
      apiKey: demoKey,
      raw: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
      headers: { "content-type": "application/octet-stream" },
    });
    expect(notUtf8.status).toBe(400);
    expect(notUtf8.body).toMatchObject({
      error: { code: "invalid_json", message: expect.stringMatching(/UTF-8/) },
    });
  });

  it("creates, lists and revokes API keys; a revoked key stops working", async () => {
    const created = await api<{ api_key: string; key_id: string }>("POST", "/v1/api-keys", {
      token: demoToken,
      body: { workspace_id: "demo", name: "it key" },
    });
    expect(created.status).toBe(201);
    const key = created.body.api_key;
    expect((await api("POST", "/v1/events", { apiKey: key, body: [ev(randomUUID())] })).status).toBe(202);
    const listed = await api<{ api_keys: Array<Record<string, unknown>> }>(
      "GET",
      "/v1/api-keys?workspace_id=demo",
      { token: demoToken },
    );
    const mine = listed.body.api_keys.find((k) => k.key_id === created.body.key_id);
    expect(mine).toBeDefined();
    expect(JSON.stringify(listed.body)).not.toContain(key);
    const revoked = await api("DELETE", `/v1/api-keys/${created.body.key_id}?workspace_id=demo`, {
      token: demoToken,
    });
    expect(revoked.status).toBe(200);
    const refused = await api("POST", "/v1/events", { apiKey: key, body: [ev(randomUUID())] });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: { message: expect.stringMatching(/revoked/) } });
    // Keys cannot mint keys, and other users cannot manage this workspace's keys.
    expect(
      (await api("POST", "/v1/api-keys", { apiKey: demoKey, body: { workspace_id: "demo", name: "x" } }))
        .status,
    ).toBe(403);
    expect((await api("GET", "/v1/api-keys?workspace_id=demo", { token: otherToken })).status).toBe(403);
  });
});

describe("ingestEvents callable", () => {
  it("has the same contract for client SDKs", async () => {
    const tag = randomUUID().slice(0, 8);
    const call = async (data: unknown, token?: string) => {
      const res = await fetch(`${FUNCTIONS}/ingestEvents`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ data }),
      });
      return {
        status: res.status,
        body: (await res.json()) as { result?: Record<string, unknown>; error?: Record<string, unknown> },
      };
    };
    const ok = await call(
      { workspace_id: "demo", events: [ev(`${tag}-1`), ev(`${tag}-2`, { user_id: null })] },
      demoToken,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.result).toMatchObject({
      accepted: 1,
      rejected: 1,
      errors: [{ index: 1, path: "user_id" }],
    });
    await eventually(
      async () => (await countEvents("demo", "event_id = $id", { id: `${tag}-1` })) === 1,
      30_000,
      "callable row",
    );
    const { rows } = await warehouse().query<{ ingest_path: string }>({
      label: "it_callable",
      sql: "SELECT ingest_path FROM standard_events WHERE workspace_id = 'demo' AND event_id = $id",
      params: { id: `${tag}-1` },
    });
    expect(rows[0].ingest_path).toBe("callable");
    expect((await call({ workspace_id: "demo", events: [ev("x")] })).body.error).toMatchObject({
      status: "UNAUTHENTICATED",
    });
    expect((await call({ workspace_id: "demo", events: [ev("x")] }, otherToken)).body.error).toMatchObject({
      status: "PERMISSION_DENIED",
    });
    expect((await call({ workspace_id: "demo", events: "nope" }, demoToken)).body.error).toMatchObject({
      status: "INVALID_ARGUMENT",
    });
  });
});
