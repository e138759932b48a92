import { describe, expect, it } from "vitest";
import { loadSettings } from "../../../src/config/settings";
import type { EventBatchMessage } from "../../../src/contracts/messages";
import { acceptIngestRequest } from "../../../src/ingestion/accept-request";
import { PublishUnavailableError } from "../../../src/ingestion/ports";
import { timeWindowOf } from "../../../src/services";

const settings = loadSettings({ CFAP_MAX_BATCH_EVENTS: "3" });

function services(publish: (m: EventBatchMessage[]) => Promise<void> = async () => undefined) {
  const published: EventBatchMessage[] = [];
  return {
    published,
    deps: {
      settings,
      timeWindow: timeWindowOf(settings),
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      enrichersFor: async () => [],
      publisher: {
        publish: async (m: EventBatchMessage[]) => {
          await publish(m);
          published.push(...m);
        },
      },
      auth: {
        identity: { verifyIdToken: async () => null },
        apiKeys: {
          findByHash: async () => null,
          create: async () => undefined,
          revoke: async () => false,
          list: async () => [],
        },
        workspaces: {
          workspaceExists: async (w: string) => w === "acme" || w === "other",
          isMember: async (w: string, uid: string) => w === "acme" && uid === "u1",
        },
      },
    },
  };
}

const user = { kind: "user" as const, uid: "u1", email: null };
const key = { kind: "api_key" as const, keyId: "k", workspaceId: "acme" };
const ev = (id: string) => ({
  event_id: id,
  event_name: "page_view",
  timestamp: new Date(Date.now() - 1000).toISOString(),
  user_id: "x",
});

describe("acceptIngestRequest (shared by the HTTP route and the callable)", () => {
  it("ingests a batch for a member and publishes it", async () => {
    const s = services();
    const out = await acceptIngestRequest(
      { workspace_id: "acme", events: [ev("a"), ev("b")] },
      user,
      "http",
      s.deps,
      "r1",
    );
    expect(out).toMatchObject({ ok: true, response: { request_id: "r1", accepted: 2, rejected: 0 } });
    expect(s.published[0]).toMatchObject({ source_id: "http:r1", workspace_id: "acme" });
  });

  it("takes the workspace from the API key when the body names none", async () => {
    const out = await acceptIngestRequest([ev("a")], key, "http", services().deps);
    expect(out).toMatchObject({ ok: true, response: { workspace_id: "acme" } });
  });

  it.each([
    ["a bad shape", { events: "x" }, user, 400, "bad_request"],
    ["an empty batch", { workspace_id: "acme", events: [] }, user, 400, "bad_request"],
    [
      "too many events",
      { workspace_id: "acme", events: [ev("a"), ev("b"), ev("c"), ev("d")] },
      user,
      413,
      "payload_too_large",
    ],
    ["no workspace", [ev("a")], user, 400, "bad_request"],
    ["a non-member", { workspace_id: "other", events: [ev("a")] }, user, 403, "forbidden"],
    ["an unknown workspace", { workspace_id: "ghost", events: [ev("a")] }, user, 404, "not_found"],
    ["another workspace's key", { workspace_id: "other", events: [ev("a")] }, key, 403, "forbidden"],
  ] as const)("refuses %s", async (_label, body, principal, status, code) => {
    const s = services();
    const out = await acceptIngestRequest(body, principal, "callable", s.deps);
    expect(out).toMatchObject({ ok: false, failure: { status, code } });
    expect(s.published).toHaveLength(0);
  });

  it("answers 503 when the events cannot be queued", async () => {
    const s = services(async () => {
      throw new PublishUnavailableError("down");
    });
    const out = await acceptIngestRequest({ workspace_id: "acme", events: [ev("a")] }, user, "http", s.deps);
    expect(out).toMatchObject({ ok: false, failure: { status: 503, code: "unavailable" } });
  });
});
