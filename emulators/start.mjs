#!/usr/bin/env node
// `npm start`: the whole CFAP stack on this machine, offline.
//
//   1. resolve Java >= 21 and the emulator binaries (emulators/env.mjs)
//   2. npm run build (skip with CFAP_SKIP_BUILD=1); placeholder web/dist if the web app isn't built
//   3. warehouse server (functions/lib/warehouse/server/main.js) on :8765, if built
//   4. firebase emulators:start (auth, functions, firestore, pubsub, storage, hosting, tasks, eventarc)
//   5. seed (functions/bin/cfap.js seed --emulators), if present
//   6. print URLs; Ctrl-C stops everything (SIGINT to firebase, then leftovers by PID)
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { setInterval } from "node:timers";
import { EMULATORS, PROJECT_ID, ROOT, emulatorEnv, fatal } from "./env.mjs";
import {
  CFAP_CLI,
  FIREBASE_BIN,
  WAREHOUSE_PORT,
  WAREHOUSE_URL,
  assertPortsFree,
  clientEnv,
  descendants,
  ensureHostingDir,
  killLeftovers,
  log,
  pipeLines,
  runBuild,
  stackPorts,
  startWarehouse,
  stopProcess,
  treeRssMiB,
} from "./stack.mjs";

const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let warehouse = null;
let firebase = null;
let snapshot = new Map();
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  log("stopping…");
  if (firebase) {
    for (const [pid, cmd] of descendants(firebase.pid)) snapshot.set(pid, cmd);
    await stopProcess(firebase, "SIGINT", 30000);
    await killLeftovers(snapshot);
  }
  if (warehouse) await stopProcess(warehouse, "SIGTERM", 10000);
  log("stopped");
  process.exit(code);
}

async function waitForHub(hubPort, wanted, timeoutMs) {
  const end = Date.now() + timeoutMs;
  let last = [];
  while (Date.now() < end) {
    if (!firebase || firebase.exitCode !== null || firebase.signalCode !== null)
      throw new Error("firebase exited during start-up");
    try {
      const r = await fetch(`http://127.0.0.1:${hubPort}/emulators`);
      if (r.ok) {
        const body = await r.json();
        last = Object.keys(body);
        if (wanted.every((e) => last.includes(e))) return body;
      }
    } catch {
      /* not up yet */
    }
    await sleep(300);
  }
  throw new Error(
    `emulators not up after ${timeoutMs / 1000} s (hub lists: ${last.join(", ") || "nothing"})`,
  );
}

async function main() {
  const { env } = await emulatorEnv();
  const ports = stackPorts();
  await assertPortsFree({ ...ports, warehouse: WAREHOUSE_PORT });
  runBuild(env);
  ensureHostingDir();

  process.on("SIGINT", () => void shutdown(130));
  process.on("SIGTERM", () => void shutdown(143));
  process.on("SIGHUP", () => void shutdown(129));

  warehouse = await startWarehouse(env);
  const fbEnv = { ...env };
  if (warehouse) fbEnv.CFAP_WAREHOUSE_URL = WAREHOUSE_URL; // the functions emulator forwards its own env to function workers

  const wanted = EMULATORS.split(",");
  let allReady = false;
  firebase = spawn(
    process.execPath,
    [FIREBASE_BIN, "emulators:start", "--project", PROJECT_ID, "--only", EMULATORS],
    {
      cwd: ROOT,
      env: fbEnv,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // own process group: we send it exactly one SIGINT on Ctrl-C
    },
  );
  pipeLines(firebase.stdout, "", process.stdout, (line) => {
    if (line.includes("All emulators ready")) allReady = true;
  });
  pipeLines(firebase.stderr, "", process.stderr);
  firebase.on("exit", (code, sig) => {
    if (stopping) return;
    log(`firebase emulators exited (${code ?? sig})`);
    firebase = null;
    void shutdown(code || 1);
  });

  const hub = await waitForHub(ports.hub, wanted, 180000);
  const end = Date.now() + 60000;
  while (!allReady && Date.now() < end && firebase) await sleep(200);
  if (!firebase) return;
  snapshot = descendants(firebase.pid);
  const readyAt = secs();

  // Seed
  let seedOut = "";
  const cli = CFAP_CLI;
  if (fs.existsSync(cli) && process.env.CFAP_SKIP_SEED !== "1") {
    log("seeding (node functions/bin/cfap.js seed --emulators)…");
    const r = spawnSync(process.execPath, [cli, "seed", "--emulators"], {
      cwd: ROOT,
      env: { ...clientEnv(fbEnv, ports), ...(warehouse ? { CFAP_WAREHOUSE_URL: WAREHOUSE_URL } : {}) },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 300000,
    });
    seedOut = `${r.stdout ?? ""}`;
    if (r.stderr) process.stderr.write(r.stderr);
    if (r.status !== 0) log(`WARNING: seed failed (exit ${r.status ?? r.signal}); the stack keeps running`);
  } else if (!fs.existsSync(cli)) {
    log("no functions/bin/cfap.js yet: not seeding");
  }

  const host = (name) => `http://127.0.0.1:${hub[name]?.port ?? ports[name]}`;
  const lines = [
    "",
    "──────────────── CFAP local stack is up ────────────────",
    `  Dashboard (Hosting)   ${host("hosting")}/`,
    `  API (function "api")  http://127.0.0.1:${ports.functions}/${PROJECT_ID}/us-central1/api   (also ${host("hosting")}/v1/…)`,
    `  Firestore emulator    ${host("firestore")}   (FIRESTORE_EMULATOR_HOST=127.0.0.1:${ports.firestore})`,
    `  Auth emulator         ${host("auth")}   (FIREBASE_AUTH_EMULATOR_HOST=127.0.0.1:${ports.auth})`,
    `  Storage emulator      ${host("storage")}   Pub/Sub 127.0.0.1:${ports.pubsub}   Tasks 127.0.0.1:${ports.tasks}`,
    `  Emulator hub          ${host("hub")}/emulators`,
    warehouse ? `  Warehouse server      ${WAREHOUSE_URL}` : "  Warehouse server      (not built yet)",
    `  Ready in ${readyAt} s; memory ≈ ${treeRssMiB(firebase.pid) + (warehouse ? treeRssMiB(warehouse.pid) : 0)} MiB resident`,
  ];
  if (seedOut.trim()) {
    lines.push("", "  Seed output (demo credentials):");
    for (const l of seedOut.trimEnd().split("\n")) lines.push(`    ${l}`);
  }
  lines.push("  Ctrl-C stops everything.", "────────────────────────────────────────────────────────", "");
  console.log(lines.join("\n"));

  // Keep the snapshot of emulator PIDs fresh (function workers come and go).
  setInterval(() => {
    if (firebase && !stopping) for (const [pid, cmd] of descendants(firebase.pid)) snapshot.set(pid, cmd);
  }, 5000).unref();
}

main().catch(async (err) => {
  if (err?.constructor?.name === "EmulatorSetupError") return fatal(err);
  console.error(`\n[stack] ${err?.message ?? err}\n`);
  if (!stopping) await shutdown(1);
  process.exit(1);
});
