import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { getStorage } from "firebase-admin/storage";
import { beforeAll, describe, expect, it } from "vitest";
import { seedFirebase } from "../../src/demo/seed-firebase";
import { adminApp } from "../../src/platform/firebase-app";
import { firestore } from "../../src/platform/firestore/db";
import { countEvents, eventually, requireEmulators } from "../support/emulator-client";

const BUCKET = process.env.CFAP_BUCKET ?? "demo-cfap.appspot.com";
const ts = () => new Date(Date.now() - 120_000).toISOString();

async function drop(name: string, content: Buffer): Promise<string> {
  const path = `drops/demo/${name}`;
  await getStorage(adminApp()).bucket(BUCKET).file(path).save(content, { resumable: false });
  return path;
}

async function uploadDoc(objectPath: string, status?: string): Promise<Record<string, unknown>> {
  return eventually(
    async () => {
      const snap = await firestore()
        .collection("workspaces/demo/uploads")
        .where("object_path", "==", objectPath)
        .get();
      const doc = snap.docs[0]?.data();
      return doc && (!status ? doc.status !== "processing" : doc.status === status) ? doc : undefined;
    },
    60_000,
    `upload ${objectPath}`,
  );
}

beforeAll(async () => {
  requireEmulators();
  await seedFirebase();
});

describe("file drops (Storage trigger)", () => {
  it("ingests gzip NDJSON, reports bad rows beside the file, and keeps progress in Firestore", async () => {
    const tag = randomUUID().slice(0, 8);
    const lines = [
      JSON.stringify({ event_id: `${tag}-1`, event_name: "page_view", timestamp: ts(), anonymous_id: "a1" }),
      "{not json",
      JSON.stringify({
        event_id: `${tag}-2`,
        event_name: "purchase",
        timestamp: ts(),
        user_id: "u",
        revenue: 5,
        currency: "EUR",
      }),
      JSON.stringify({
        event_id: `${tag}-3`,
        event_name: "purchase",
        timestamp: ts(),
        user_id: "u",
        revenue: 5,
      }),
      JSON.stringify([1, 2]),
    ];
    const path = await drop(`${tag}.ndjson.gz`, gzipSync(lines.join("\n") + "\n"));
    const doc = await uploadDoc(path);
    expect(doc).toMatchObject({
      status: "succeeded",
      rows_read: 5,
      rows_accepted: 2,
      rows_rejected: 3,
      format: "ndjson",
      compressed: true,
    });
    expect(doc.report_path).toBe(`${path}.rejected.ndjson`);
    const [report] = await getStorage(adminApp()).bucket(BUCKET).file(String(doc.report_path)).download();
    const rows = report
      .toString("utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { row: number; reason: string; field: string | null });
    expect(rows.map((r) => r.row)).toEqual([2, 4, 5]);
    expect(rows[0].reason).toMatch(/invalid JSON/);
    expect(rows[1]).toMatchObject({ field: "currency" });
    await eventually(
      async () => (await countEvents("demo", "event_id LIKE $p", { p: `${tag}-%` })) === 2,
      30_000,
      "file rows",
    );
  });

  it("ingests CSV with nested columns and rejects rows with the wrong column count", async () => {
    const tag = randomUUID().slice(0, 8);
    const csv = [
      "event_id,event_name,timestamp,user_id,context.utm_source,context.utm_medium,properties.geo",
      `${tag}-1,page_view,${ts()},u1,newsletter,email,geo_01`,
      `${tag}-2,page_view,${ts()},u2`,
      `"${tag}-3",purchase,${ts()},u3,,,"geo, quoted"`,
    ].join("\r\n");
    const path = await drop(`${tag}.csv`, Buffer.from(csv));
    const doc = await uploadDoc(path);
    expect(doc).toMatchObject({ status: "succeeded", rows_accepted: 2, rows_rejected: 1 });
    await eventually(
      async () =>
        (await countEvents("demo", "event_id LIKE $p AND (channel = 'Email' OR event_name = 'purchase')", {
          p: `${tag}-%`,
        })) === 2,
      30_000,
      "csv rows",
    );
  });

  it("stops a gzip bomb early with a clear failure", async () => {
    const tag = randomUUID().slice(0, 8);
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    const path = await drop(`${tag}.ndjson.gz`, bomb);
    const doc = await uploadDoc(path);
    expect(doc).toMatchObject({ status: "failed", error: { code: "gzip_bomb" } });
  });

  it("refuses a drop for an unknown workspace without crashing", async () => {
    const path = `drops/ghost-ws/${randomUUID().slice(0, 8)}.ndjson`;
    await getStorage(adminApp()).bucket(BUCKET).file(path).save(Buffer.from("{}\n"), { resumable: false });
    const doc = await eventually(
      async () => {
        const snap = await firestore()
          .collection("workspaces/ghost-ws/uploads")
          .where("object_path", "==", path)
          .get();
        return snap.docs[0]?.data()?.status === "failed" ? snap.docs[0].data() : undefined;
      },
      60_000,
      "ghost upload",
    );
    expect(doc).toMatchObject({ error: { code: "unknown_workspace" } });
  });
});

describe("POST /v1/uploads", () => {
  it("hands out an upload URL; a PUT of the file there is ingested like any drop", async () => {
    const { api, signIn } = await import("../support/emulator-client");
    const token = await signIn("demo@cfap.dev", "demo-password");
    const res = await api<{
      upload_url: string;
      method: string;
      object_path: string;
      headers: Record<string, string>;
    }>("POST", "/v1/uploads", { token, body: { workspace_id: "demo", filename: "signed.ndjson" } });
    expect(res.status).toBe(201);
    expect(res.body.object_path).toMatch(/^drops\/demo\/.*signed\.ndjson$/);
    const tag = randomUUID().slice(0, 8);
    const line = JSON.stringify({
      event_id: `${tag}-1`,
      event_name: "sign_up",
      timestamp: ts(),
      user_id: "u9",
    });
    const put = await fetch(res.body.upload_url, {
      method: res.body.method,
      headers: res.body.headers,
      body: line + "\n",
    });
    expect(put.ok).toBe(true);
    const doc = await uploadDoc(res.body.object_path);
    expect(doc).toMatchObject({ status: "succeeded", rows_accepted: 1 });
    const bad = await api("POST", "/v1/uploads", {
      token,
      body: { workspace_id: "demo", filename: "../../etc/passwd" },
    });
    expect(bad.status).toBe(400);
  });
});
