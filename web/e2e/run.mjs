#!/usr/bin/env node
// End-to-end tests of the dashboard in a real headless Chromium against the local emulator stack.
//
//   node emulators/exec.mjs -- npm run test:e2e -w web      (from the repository root; what `npm test` runs)
//
// The stack (functions, Firestore, Auth, Storage, Hosting on :5002 serving web/dist, the warehouse) must be
// up; this script does not start it. It
//   1. waits for Hosting and the Auth emulator,
//   2. seeds: `node functions/bin/cfap.js seed --emulators --json` (demo + other users, ~320k demo events;
//      a no-op for data already in the warehouse) and hands the demo's truth to the specs,
//   3. runs e2e/*.spec.mjs with node:test (spec output on stdout, TAP summary lines at the end).
// Screenshots: test-artifacts/web-e2e/ at the repository root.
//
// Env: CFAP_E2E_BASE_URL (default http://127.0.0.1:5002), CHROMIUM_PATH (default /usr/bin/chromium),
//      CFAP_E2E_SKIP_SEED=1 (already seeded), CFAP_E2E_ONLY=<substring of a spec file name>.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const base = process.env.CFAP_E2E_BASE_URL ?? "http://127.0.0.1:5002";
const authHost = process.env.FIREBASE_AUTH_EMULATOR_HOST ?? "127.0.0.1:9099";
const artifacts = path.join(root, "test-artifacts", "web-e2e");
fs.mkdirSync(artifacts, { recursive: true });
const t0 = Date.now();
const secs = (t) => `${((Date.now() - t) / 1000).toFixed(1)} s`;

async function waitFor(url, what, timeoutMs = 90_000) {
  const until = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `${what} is not reachable at ${url} (${last}); start the stack: node emulators/exec.mjs -- …`,
  );
}

try {
  await waitFor(`${base}/`, "Hosting");
  await waitFor(`http://${authHost}/`, "the Auth emulator");
  await waitFor(`${base}/v1/health`, "the API");
} catch (err) {
  console.error(`e2e: ${err.message}`);
  process.exit(1);
}

let truth = null;
if (process.env.CFAP_E2E_SKIP_SEED !== "1") {
  const t = Date.now();
  console.log("e2e: seeding (node functions/bin/cfap.js seed --emulators --json)…");
  const seedArgs = ["seed", "--emulators", "--json"];
  const opts = {
    cwd: root,
    // Outside `emulators/exec.mjs` (e.g. against `npm start`), seed the stack's warehouse server, not the
    // CLI's default embedded file.
    env: { ...process.env, CFAP_WAREHOUSE_URL: process.env.CFAP_WAREHOUSE_URL ?? "http://127.0.0.1:8765" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "inherit"],
  };
  let r = spawnSync(process.execPath, ["functions/bin/cfap.js", ...seedArgs], opts);
  // bin/cfap.js runs the TypeScript sources through tsx when they are newer than functions/lib (someone
  // editing them in a shared checkout); if that path fails, the build the stack is running is still good.
  const built = path.join(root, "functions", "lib", "cli", "main.js");
  if (r.status !== 0 && fs.existsSync(built)) {
    console.log("e2e: cfap.js failed; seeding with the compiled CLI (functions/lib) instead");
    const code = `require(${JSON.stringify(built)}).main(${JSON.stringify(seedArgs)})`;
    r = spawnSync(process.execPath, ["-e", code], opts);
  }
  const out = JSON.parse(r.stdout.slice(r.stdout.indexOf("{")));
  truth = out.truth;
  const ws = out.warehouse.map(
    (w) => `${w.workspace_id}: ${w.events} events${w.skipped ? " (already there)" : ""}`,
  );
  console.log(`e2e: seeded in ${secs(t)} — ${ws.join(", ")}`);
}
const env = { ...process.env, CFAP_E2E_BASE_URL: base, CFAP_E2E_ARTIFACTS: artifacts };
if (truth) env.CFAP_E2E_TRUTH = JSON.stringify(truth);

const only = process.env.CFAP_E2E_ONLY;
const specs = fs
  .readdirSync(here)
  .filter((f) => f.endsWith(".spec.mjs") && (!only || f.includes(only)))
  .sort()
  .map((f) => path.join(here, f));
if (!specs.length) {
  console.error("e2e: no spec files");
  process.exit(1);
}
const tap = path.join(artifacts, "results.tap");
const t = Date.now();
const child = spawn(
  process.execPath,
  [
    "--test",
    "--test-concurrency=1",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=tap",
    `--test-reporter-destination=${tap}`,
    ...specs,
  ],
  { cwd: path.resolve(here, ".."), env, stdio: "inherit" },
);
const code = await new Promise((resolve) => child.on("close", (c, s) => resolve(c ?? (s ? 1 : 0))));
// The TAP totals ("# pass N", "# fail N") are what scripts/test-all.mjs counts.
const summary = fs.existsSync(tap)
  ? fs
      .readFileSync(tap, "utf8")
      .split("\n")
      .filter((l) => /^# (tests|pass|fail|skipped|duration_ms) /.test(l))
  : [];
console.log(`\n${summary.join("\n")}`);
console.log(`e2e: specs ${secs(t)}, total ${secs(t0)}; screenshots in ${path.relative(root, artifacts)}/`);
process.exit(code);
