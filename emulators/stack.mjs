// Shared helpers for emulators/start.mjs and emulators/exec.mjs:
// build, Hosting placeholder, the local warehouse server, port checks,
// process-tree bookkeeping and clean shutdown (by PID only).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";
import { ROOT } from "./env.mjs";

export const WAREHOUSE_PORT = 8765;
export const WAREHOUSE_URL = `http://127.0.0.1:${WAREHOUSE_PORT}`;
// Overridable for testing the scripts themselves.
export const WAREHOUSE_MAIN =
  process.env.CFAP_WAREHOUSE_MAIN || path.join(ROOT, "functions", "lib", "warehouse", "server", "main.js");
export const CFAP_CLI = process.env.CFAP_CLI || path.join(ROOT, "functions", "bin", "cfap.js");
export const FIREBASE_BIN = path.join(ROOT, "node_modules", "firebase-tools", "lib", "bin", "firebase.js");

export function log(msg) {
  console.log(`[stack] ${msg}`);
}

/** Ports from firebase.json's emulators block (plus the warehouse server). */
export function stackPorts() {
  const cfg = JSON.parse(fs.readFileSync(path.join(ROOT, "firebase.json"), "utf8"));
  const ports = {};
  for (const [name, v] of Object.entries(cfg.emulators ?? {})) {
    if (v && typeof v === "object" && typeof v.port === "number") ports[name] = v.port;
  }
  // Reserved by the Firestore emulator even though firebase.json doesn't list it.
  if (ports.firestore && !ports["firestore-websocket"]) ports["firestore-websocket"] = 9150;
  return ports;
}

function portFree(port, host = "127.0.0.1") {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** Throws a readable error when a port we need is taken (usually another stack still running). */
export async function assertPortsFree(ports) {
  const busy = [];
  for (const [name, port] of Object.entries(ports)) if (!(await portFree(port))) busy.push(`${name}:${port}`);
  if (busy.length) {
    throw new Error(
      `ports already in use: ${busy.join(", ")}.\nAnother local stack (npm start / test:integration) is probably running; stop it first ` +
        `(\`ss -ltnp\` shows which process holds a port).`,
    );
  }
}

export function runBuild(env) {
  if (process.env.CFAP_SKIP_BUILD === "1") {
    log("CFAP_SKIP_BUILD=1: skipping build");
    return;
  }
  log("building (npm run build)…");
  const t = Date.now();
  const r = spawnSync("npm", ["run", "build"], { cwd: ROOT, env, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status ?? r.signal})`);
  log(`build done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

/** Hosting serves web/dist; give it a placeholder page when the web app is not built (or doesn't exist yet). */
export function ensureHostingDir() {
  const dist = path.join(ROOT, "web", "dist");
  if (fs.existsSync(path.join(dist, "index.html"))) return false;
  fs.mkdirSync(dist, { recursive: true });
  fs.writeFileSync(
    path.join(dist, "index.html"),
    `<!doctype html><meta charset="utf-8"><title>CFAP (placeholder)</title>
<h1>CFAP local stack</h1>
<p>This is a placeholder written by <code>emulators/start.mjs</code> because <code>web/dist</code> was not built.
The API is under <a href="/v1/">/v1/</a>.</p>
`,
  );
  log("web/dist/index.html missing: wrote a placeholder page for Hosting");
  return true;
}

/** Pipes a child's output to ours, line by line with a prefix; calls onLine for each line. */
export function pipeLines(stream, prefix, out, onLine) {
  if (!stream) return;
  const rl = readline.createInterface({ input: stream });
  rl.on("line", (line) => {
    out.write(prefix ? `${prefix}${line}\n` : `${line}\n`);
    onLine?.(line);
  });
}

/**
 * Starts functions/lib/warehouse/server/main.js if it is built; resolves once it prints `ready`.
 * @returns {Promise<import("node:child_process").ChildProcess | null>}
 */
export async function startWarehouse(env, { timeoutMs = 60000, dbPath: dbPathOption } = {}) {
  if (!fs.existsSync(WAREHOUSE_MAIN)) {
    log(`no ${path.relative(ROOT, WAREHOUSE_MAIN)} yet: not starting the warehouse server`);
    return null;
  }
  const dbPath = dbPathOption ?? path.join(ROOT, ".cfap", "warehouse.duckdb");
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  const child = spawn(process.execPath, [WAREHOUSE_MAIN], {
    cwd: ROOT,
    env: { ...env, CFAP_WAREHOUSE_SERVER_PORT: String(WAREHOUSE_PORT), CFAP_DUCKDB_PATH: dbPath },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // own process group: a terminal Ctrl-C reaches only us; we stop it in order
  });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`warehouse server did not print "ready" within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    child.once("exit", (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`warehouse server exited early (${code ?? sig})`));
    });
    pipeLines(child.stdout, "[warehouse] ", process.stdout, (line) => {
      if (/\bready\b/i.test(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    pipeLines(child.stderr, "[warehouse] ", process.stderr);
  });
  try {
    await ready;
  } catch (err) {
    await stopProcess(child, "SIGTERM");
    throw err;
  }
  child.removeAllListeners("exit");
  log(`warehouse server ready on ${WAREHOUSE_URL} (pid ${child.pid}, duckdb ${path.relative(ROOT, dbPath)})`);
  return child;
}

// ---------------------------------------------------------------- process bookkeeping
function childrenOf(pid) {
  try {
    // /proc/<pid>/task/<tid>/children lists direct children (Linux).
    const tasks = fs.readdirSync(`/proc/${pid}/task`);
    const kids = [];
    for (const t of tasks) {
      const txt = fs.readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim();
      if (txt) kids.push(...txt.split(/\s+/).map(Number));
    }
    return kids;
  } catch {
    return [];
  }
}

function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
  } catch {
    return null;
  }
}

/** Descendant PIDs with their command lines (to avoid killing a reused PID later). */
export function descendants(pid) {
  const out = new Map();
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    for (const c of childrenOf(p)) {
      if (out.has(c)) continue;
      const cmd = cmdline(c);
      if (cmd !== null) out.set(c, cmd);
      stack.push(c);
    }
  }
  return out;
}

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resident memory (MiB) of a process and its descendants. */
export function treeRssMiB(pid) {
  const pids = [pid, ...descendants(pid).keys()];
  let kb = 0;
  for (const p of pids) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, "utf8"));
      if (m) kb += Number(m[1]);
    } catch {
      /* gone */
    }
  }
  return Math.round(kb / 1024);
}

/** Sends `signal` to a child we started and waits for it to exit (SIGKILL after graceMs). */
export function stopProcess(child, signal = "SIGINT", graceMs = 20000) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null || !alive(child.pid)) return resolve();
    const timer = setTimeout(() => {
      if (alive(child.pid)) {
        log(`pid ${child.pid} still running after ${graceMs / 1000} s: SIGKILL`);
        try {
          process.kill(child.pid, "SIGKILL");
        } catch {
          /* gone */
        }
      }
    }, graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(child.pid, signal);
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

/** Kills PIDs from a snapshot that are still alive with the same command line (e.g. Java emulators left behind). */
export async function killLeftovers(snapshot) {
  const left = [...snapshot].filter(([pid, cmd]) => alive(pid) && cmdline(pid) === cmd);
  if (!left.length) return;
  for (const [pid, cmd] of left) {
    log(`stopping leftover pid ${pid}: ${cmd.slice(0, 100)}`);
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      /* gone */
    }
  }
  const end = Date.now() + 5000;
  while (Date.now() < end && left.some(([pid]) => alive(pid))) await new Promise((r) => setTimeout(r, 100));
  for (const [pid] of left) {
    if (alive(pid)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  }
}

/** Env for clients (seed, tests) talking to the emulators. */
export function clientEnv(env, ports) {
  const h = (p) => `127.0.0.1:${p}`;
  return {
    ...env,
    GCLOUD_PROJECT: "demo-cfap",
    GOOGLE_CLOUD_PROJECT: "demo-cfap",
    FIRESTORE_EMULATOR_HOST: h(ports.firestore),
    FIREBASE_AUTH_EMULATOR_HOST: h(ports.auth),
    FIREBASE_STORAGE_EMULATOR_HOST: h(ports.storage),
    STORAGE_EMULATOR_HOST: `http://${h(ports.storage)}`,
    PUBSUB_EMULATOR_HOST: h(ports.pubsub),
    CLOUD_TASKS_EMULATOR_HOST: h(ports.tasks),
    FIREBASE_EMULATOR_HUB: h(ports.hub),
  };
}
