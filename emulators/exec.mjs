#!/usr/bin/env node
// Runs one command against a fresh local stack and tears it down again:
//
//   node emulators/exec.mjs -- <command …>
//
// Same environment as `npm start` (emulators/env.mjs) plus the warehouse
// server when it is built, then `firebase emulators:exec --only … "<command>"`.
// firebase sets FIRESTORE_EMULATOR_HOST, FIREBASE_AUTH_EMULATOR_HOST,
// FIREBASE_STORAGE_EMULATOR_HOST, PUBSUB_EMULATOR_HOST, … for the command; we add
// CFAP_WAREHOUSE_URL. Exits with the command's exit code; always cleans up.
//
// Builds first (npm run build) unless CFAP_SKIP_BUILD=1 (scripts/test-all.mjs builds once itself).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { clearInterval, setInterval } from "node:timers";
import { EMULATORS, PROJECT_ID, ROOT, emulatorEnv, fatal } from "./env.mjs";
import {
  FIREBASE_BIN,
  WAREHOUSE_PORT,
  WAREHOUSE_URL,
  assertPortsFree,
  descendants,
  ensureHostingDir,
  killLeftovers,
  log,
  runBuild,
  stackPorts,
  startWarehouse,
  stopProcess,
} from "./stack.mjs";

function shellQuote(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

const sep = process.argv.indexOf("--");
const cmd = sep >= 0 ? process.argv.slice(sep + 1) : [];
if (!cmd.length) {
  console.error("usage: node emulators/exec.mjs -- <command …>");
  process.exit(2);
}

let warehouse = null;
const EXEC_DB = path.join(os.tmpdir(), `cfap-exec-${process.pid}`, "warehouse.duckdb");
let firebase = null;
const snapshot = new Map();
let interrupted = null;

async function cleanup() {
  if (firebase) {
    for (const [pid, c] of descendants(firebase.pid)) snapshot.set(pid, c);
    await stopProcess(firebase, "SIGINT", 30000);
  }
  await killLeftovers(snapshot);
  if (warehouse) await stopProcess(warehouse, "SIGTERM", 10000);
  fs.rmSync(path.dirname(EXEC_DB), { recursive: true, force: true });
}

async function main() {
  const { env } = await emulatorEnv();
  const ports = stackPorts();
  await assertPortsFree({ ...ports, warehouse: WAREHOUSE_PORT });
  runBuild(env);
  ensureHostingDir();

  for (const [sig, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ]) {
    process.on(sig, () => {
      if (interrupted) return;
      interrupted = code;
      log(`${sig}: stopping…`);
      void cleanup().then(() => process.exit(code));
    });
  }

  // A fresh warehouse file per run: tests never see another run's (or `npm start`'s) data.
  warehouse = await startWarehouse(env, { dbPath: EXEC_DB });
  const fbEnv = { ...env };
  if (warehouse) fbEnv.CFAP_WAREHOUSE_URL = WAREHOUSE_URL;

  const script = cmd.map(shellQuote).join(" ");
  log(`firebase emulators:exec --only ${EMULATORS} ${JSON.stringify(script)}`);
  firebase = spawn(
    process.execPath,
    [FIREBASE_BIN, "emulators:exec", "--project", PROJECT_ID, "--only", EMULATORS, script],
    {
      cwd: ROOT,
      env: fbEnv,
      stdio: ["ignore", "inherit", "inherit"],
      detached: true, // own process group: we decide when it gets SIGINT
    },
  );
  const timer = setInterval(() => {
    if (firebase) for (const [pid, c] of descendants(firebase.pid)) snapshot.set(pid, c);
  }, 2000);
  const code = await new Promise((resolve) => firebase.once("exit", (c, s) => resolve(c ?? (s ? 1 : 0))));
  clearInterval(timer);
  firebase = null;
  if (interrupted) return new Promise(() => {}); // the signal handler exits
  await cleanup();
  return code;
}

main().then(
  (code) => process.exit(code),
  async (err) => {
    if (err?.constructor?.name === "EmulatorSetupError") return fatal(err);
    console.error(`\n[stack] ${err?.message ?? err}\n`);
    await cleanup();
    process.exit(1);
  },
);
