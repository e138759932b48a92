// Tests for the offline emulator wiring (node:test; run by scripts/test-all.mjs).
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { test } from "node:test";
import { ROOT, findJava, writeJar } from "../env.mjs";

const RUNTIME = path.join(ROOT, "emulators", "storage-rules-runtime", "runtime.mjs");

function startRuntime() {
  const child = spawn(process.execPath, [RUNTIME, "serve"], { stdio: ["pipe", "pipe", "inherit"] });
  const queue = [];
  const waiters = [];
  readline.createInterface({ input: child.stdout }).on("line", (line) => {
    if (!line.startsWith("{")) return; // info lines
    const msg = JSON.parse(line);
    const w = waiters.shift();
    if (w) w(msg);
    else queue.push(msg);
  });
  const next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiters.push(r)));
  const send = (obj) => child.stdin.write(JSON.stringify(obj) + "\n");
  return { child, next, send };
}

const authVars = (uid) => ({
  request: { map_value: { fields: { auth: { map_value: { fields: { uid: { string_value: uid } } } } } } },
});

test("storage rules stand-in speaks firebase-tools' line protocol", async () => {
  const rt = startRuntime();
  try {
    assert.deepEqual(await rt.next(), { id: -1, status: "ok" });
    const rules = fs.readFileSync(path.join(ROOT, "storage.rules"), "utf8");
    rt.send({
      action: "load_ruleset",
      id: 0,
      context: { rulesetName: "0", source: { files: [{ name: "storage.rules", content: rules }] } },
    });
    const loaded = await rt.next();
    assert.equal(loaded.id, 0);
    assert.equal(loaded.result.rulesVersion, 2);
    assert.deepEqual(loaded.warnings, []);

    // Signed-in member: the runtime asks for the membership document, then permits.
    const ctx = (p, variables, method = "create") => ({
      rulesetName: "0",
      service: "firebase.storage",
      path: p,
      method,
      variables,
    });
    rt.send({ action: "verify", id: 1, context: ctx("/b/bkt/o/drops/ws1/a.csv", authVars("u1")) });
    const fetchReq = await rt.next();
    assert.equal(fetchReq.server_request_id, 1);
    assert.equal(fetchReq.context.path, "/databases/(default)/documents/workspaces/ws1/members/u1");
    rt.send({ id: 1, status: "ok", result: { name: "x", fields: {} }, warnings: [], errors: [] });
    assert.equal((await rt.next()).result.permit, true);

    // Signed-in non-member.
    rt.send({ action: "verify", id: 2, context: ctx("/b/bkt/o/drops/ws1/a.csv", authVars("u2"), "get") });
    assert.equal((await rt.next()).server_request_id, 2);
    rt.send({ id: 2, status: "not_found", warnings: [], errors: [] });
    assert.equal((await rt.next()).result.permit, false);

    // Anonymous, and outside drops/.
    rt.send({
      action: "verify",
      id: 3,
      context: ctx("/b/bkt/o/drops/ws1/a.csv", {
        request: { map_value: { fields: { auth: { null_value: null } } } },
      }),
    });
    assert.equal((await rt.next()).result.permit, false);
    rt.send({ action: "verify", id: 4, context: ctx("/b/bkt/o/exports/ws1/a.csv", authVars("u1")) });
    assert.equal((await rt.next()).result.permit, false);
  } finally {
    rt.child.stdin.end();
    rt.child.kill();
  }
});

test("writeJar produces a zip that unzip/jar can read, with a wrapped manifest", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cfap-jar-"));
  const jar = path.join(dir, "t.jar");
  writeJar(jar, [{ name: "hello.txt", data: Buffer.from("hi\n") }]);
  const java = findJava();
  if (!java.bin) return t.skip("no Java >= 21 here");
  const jarTool = path.join(java.home, "bin", "jar");
  if (!fs.existsSync(jarTool)) return t.skip("no jar tool");
  const r = spawnSync(jarTool, ["tf", jar], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /hello\.txt/);
});
