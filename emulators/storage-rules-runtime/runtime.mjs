#!/usr/bin/env node
// CFAP local stand-in for the Cloud Storage emulator's rules runtime.
//
// THIS IS NOT THE REAL FIREBASE RULES ENGINE. firebase-tools normally downloads
// `cloud-storage-rules-runtime-*.jar` and talks to it over stdin/stdout. That
// download is impossible offline, so emulators/env.mjs points
// STORAGE_EMULATOR_BINARY_PATH at a tiny jar that runs this script instead
// (only when the real jar is missing from firebase-tools' cache).
//
// What it does:
//   * speaks the same newline-delimited JSON protocol as the real runtime
//     (see node_modules/firebase-tools/lib/emulator/storage/rules/runtime.js);
//   * "load_ruleset": does not compile storage.rules; it only reads
//     rules_version and warns when the file no longer mentions the `drops/`
//     match this stand-in mirrors;
//   * "verify": applies a hard-coded policy that mirrors storage.rules:
//       /b/{bucket}/o/drops/{workspaceId}/**  read/write when request.auth is
//       present AND workspaces/{workspaceId}/members/{uid} exists in Firestore
//       (looked up through firebase-tools' "fetch Firestore document"
//       round-trip, like the real runtime does for firestore.exists());
//       everything else is denied.
//     Admin / service traffic ("Bearer owner", i.e. the Admin SDK against the
//     emulator) never reaches this process: firebase-tools permits it first.
// If storage.rules changes, change `decide()` below too — or run with
// internet once (`npx firebase setup:emulators:storage`) to get the real engine.
import readline from "node:readline";

const MEMBERSHIP_CHECK = process.env.CFAP_STORAGE_RULES_SKIP_MEMBERSHIP !== "1";

function send(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

function info(line) {
  // Non-JSON lines are logged by firebase-tools at INFO level.
  process.stdout.write(`[cfap storage-rules stand-in] ${line}\n`);
}

const rulesets = new Map(); // name -> { rulesVersion }
const pending = new Map(); // request id -> continuation(dataResponse)

function ok(id, result, warnings = []) {
  send({ id, status: "ok", result, errors: [], warnings });
}

function loadRuleset(req) {
  const name = req.context?.rulesetName;
  const files = req.context?.source?.files ?? [];
  const content = files.map((f) => f.content ?? "").join("\n");
  const m = /rules_version\s*=\s*['"](\d+)['"]/.exec(content);
  const rulesVersion = m ? Number(m[1]) : 1;
  const warnings = [];
  if (!/drops\//.test(content)) {
    warnings.push(
      "CFAP stand-in: storage.rules has no `drops/` match; the stand-in still applies its built-in drops/{workspaceId} policy.",
    );
  }
  rulesets.set(name, { rulesVersion });
  info(
    `loaded ruleset ${name} (rules_version ${rulesVersion}); local approximation, not the real rules engine`,
  );
  ok(req.id, { rulesVersion }, warnings);
}

function fieldsOf(value) {
  return value?.map_value?.fields ?? {};
}

function authOf(variables) {
  const auth = fieldsOf(variables?.request).auth;
  if (!auth || "null_value" in auth) return null;
  const f = fieldsOf(auth);
  const uid =
    f.uid?.string_value ?? fieldsOf(f.token).user_id?.string_value ?? fieldsOf(f.token).sub?.string_value;
  return uid ? { uid } : null;
}

/** Returns { permit } or { fetch: "/databases/(default)/documents/...", then(found) => { permit } }. */
function decide(ctx) {
  const segs = String(ctx.path ?? "")
    .split("/")
    .filter(Boolean);
  // segs: ["b", bucket, "o", ...object path segments]
  if (segs[0] !== "b" || segs[2] !== "o") return { permit: false };
  const obj = segs.slice(3);
  if (obj[0] !== "drops" || !obj[1]) return { permit: false };
  // list on "drops/{ws}" itself is allowed too ({allPaths=**} matches zero segments).
  const workspaceId = obj[1];
  const auth = authOf(ctx.variables);
  if (!auth) return { permit: false };
  if (!MEMBERSHIP_CHECK) return { permit: true };
  return {
    fetch: `/databases/(default)/documents/workspaces/${workspaceId}/members/${auth.uid}`,
    then: (found) => ({ permit: found }),
  };
}

function verify(req) {
  const ctx = req.context ?? {};
  if (!rulesets.has(ctx.rulesetName)) {
    send({
      id: req.id,
      status: "ok",
      result: { permit: false },
      errors: [],
      warnings: [`unknown ruleset ${ctx.rulesetName}`],
    });
    return;
  }
  const d = decide(ctx);
  if (!d.fetch) {
    ok(req.id, { permit: d.permit });
    return;
  }
  pending.set(req.id, (dataResponse) => {
    const found = dataResponse?.status === "ok" && !!dataResponse?.result;
    ok(req.id, d.then(found));
  });
  // Ask firebase-tools to read the Firestore document (same shape the real runtime uses).
  send({
    server_request_id: req.id,
    action: "fetch_firestore_document",
    status: "ok",
    context: { path: d.fetch },
  });
}

function handle(line) {
  let req;
  try {
    req = JSON.parse(line);
  } catch {
    info(`ignoring non-JSON input: ${line.slice(0, 200)}`);
    return;
  }
  if (req.action === "load_ruleset") return loadRuleset(req);
  if (req.action === "verify") return verify(req);
  if (req.action === undefined && pending.has(req.id)) {
    const cont = pending.get(req.id);
    pending.delete(req.id);
    return cont(req);
  }
  send({
    id: req.id,
    status: "error",
    message: `unsupported action ${req.action}`,
    errors: [`unsupported action ${req.action}`],
    warnings: [],
  });
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on("line", (l) => {
  const line = l.trim();
  if (!line) return;
  try {
    handle(line);
  } catch (err) {
    process.stderr.write(`[cfap storage-rules stand-in] ${err?.stack ?? err}\n`);
  }
});
rl.on("close", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));

// firebase-tools waits for a message with id -1 before it sends anything.
send({ id: -1, status: "ok" });
