#!/usr/bin/env node
// `npm test`: every check, in order, with one summary at the end.
//
//   1. lint        npm run lint                      (skip: CFAP_TEST_SKIP_LINT=1)
//   2. typecheck   npm run typecheck in each workspace that has it
//   3. build       npm run build (the functions emulator loads compiled JS)
//   4. unit        npm run test:unit (all workspaces)
//      emulators   node --test emulators/test/ (the offline emulator wiring itself)
//   5. integration node emulators/exec.mjs -- npm run test:integration -w functions
//   6. e2e         node emulators/exec.mjs -- npm run test:e2e -w web   (when web has that script)
//
// A step that cannot run because an earlier one failed is reported as "skipped".
// Exits non-zero when any step failed. The last line is "tests: N passed, N failed"
// (counts parsed from the test runners' own summaries).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const readJson = (p) => {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, p), "utf8"));
  } catch {
    return null;
  }
};
const rootPkg = readJson("package.json") ?? {};
const workspaces = (rootPkg.workspaces ?? []).filter((w) =>
  fs.existsSync(path.join(ROOT, w, "package.json")),
);
const wsPkg = Object.fromEntries(workspaces.map((w) => [w, readJson(path.join(w, "package.json"))]));
const hasScript = (ws, s) => !!wsPkg[ws]?.scripts?.[s];

function hasFiles(dir, re) {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return false;
  const stack = [abs];
  while (stack.length) {
    const d = stack.pop();
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === "node_modules") continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (re.test(e.name)) return true;
    }
  }
  return false;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
const totals = { passed: 0, failed: 0, skipped: 0 };

/** Picks test counts out of runner summaries (vitest: "Tests  3 failed | 12 passed (15)"; playwright: "  12 passed"). */
function countTests(output) {
  const c = { passed: 0, failed: 0, skipped: 0, found: false };
  for (const raw of output.split("\n")) {
    const line = raw.replace(ANSI, "").trim();
    const vitest = /^Tests\s+(.*)$/.exec(line);
    const pw = /^(\d+) (passed|failed|skipped|flaky)\b/.exec(line);
    const nodeTest = /^# (pass|fail|skipped) (\d+)$/.exec(line);
    if (nodeTest) {
      c[{ pass: "passed", fail: "failed", skipped: "skipped" }[nodeTest[1]]] += Number(nodeTest[2]);
      c.found = true;
    } else if (vitest) {
      for (const m of vitest[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
        const k = m[2] === "todo" ? "skipped" : m[2];
        c[k] += Number(m[1]);
        c.found = true;
      }
    } else if (pw) {
      const k = pw[2] === "flaky" ? "passed" : pw[2];
      c[k] += Number(pw[1]);
      c.found = true;
    }
  }
  return c;
}

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (b) => {
      out += b;
      process.stdout.write(b);
    });
    child.stderr.on("data", (b) => {
      out += b;
      process.stderr.write(b);
    });
    child.on("error", (err) => resolve({ code: 127, out: String(err) }));
    child.on("close", (code, sig) => resolve({ code: code ?? (sig ? 1 : 0), out }));
  });
}

const results = [];
async function step(name, { when = true, why = "", cmd, args, env, tests = false }) {
  if (when !== true) {
    results.push({ name, status: "skipped", note: typeof when === "string" ? when : why });
    return null;
  }
  console.log(`\n════════ ${name}: ${[cmd, ...args].join(" ")}`);
  const t = Date.now();
  const r = await run(cmd, args, env);
  const secs = ((Date.now() - t) / 1000).toFixed(1);
  let note = "";
  if (tests) {
    const c = countTests(r.out);
    if (c.found) {
      totals.passed += c.passed;
      totals.failed += c.failed;
      totals.skipped += c.skipped;
      note = `${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ""}`;
    }
  }
  results.push({ name, status: r.code === 0 ? "ok" : `FAILED (exit ${r.code})`, secs, note });
  return r.code === 0;
}

const onlyFunctions = workspaces.includes("functions");
const webE2e =
  workspaces.includes("web") &&
  (hasScript("web", "test:e2e") ? "test:e2e" : hasScript("web", "e2e") ? "e2e" : null);

await step("lint", {
  when:
    process.env.CFAP_TEST_SKIP_LINT === "1"
      ? "CFAP_TEST_SKIP_LINT=1"
      : !!rootPkg.scripts?.lint || "no lint script",
  cmd: "npm",
  args: ["run", "lint"],
});
const typecheckWs = workspaces.filter((w) => hasScript(w, "typecheck"));
await step("typecheck", {
  when: typecheckWs.length > 0 || "no typecheck scripts",
  cmd: "npm",
  args: ["run", "typecheck", ...typecheckWs.flatMap((w) => ["-w", w])],
});
const built = await step("build", { cmd: "npm", args: ["run", "build"] });
await step("unit", {
  when: workspaces.some((w) => hasScript(w, "test:unit")) || "no test:unit scripts",
  cmd: "npm",
  args: ["run", "test:unit"],
  tests: true,
});
await step("emulators", {
  when: hasFiles("emulators/test", /\.test\.mjs$/) || "no emulators/test",
  cmd: process.execPath,
  args: ["--test", "emulators/test/"],
  tests: true,
});
await step("integration", {
  when: !onlyFunctions
    ? "no functions workspace"
    : !hasScript("functions", "test:integration")
      ? "functions has no test:integration script"
      : !hasFiles("functions/test/integration", /\.test\.[cm]?[jt]s$/)
        ? "no functions/test/integration/**/*.test.ts yet"
        : built
          ? true
          : "build failed",
  cmd: process.execPath,
  args: ["emulators/exec.mjs", "--", "npm", "run", "test:integration", "-w", "functions"],
  env: { CFAP_SKIP_BUILD: "1" },
  tests: true,
});
await step("e2e", {
  when: !webE2e ? "web has no test:e2e script" : built ? true : "build failed",
  cmd: process.execPath,
  args: ["emulators/exec.mjs", "--", "npm", "run", webE2e ?? "test:e2e", "-w", "web"],
  env: { CFAP_SKIP_BUILD: "1" },
  tests: true,
});

const failed = results.filter((r) => r.status !== "ok" && r.status !== "skipped");
console.log("\n════════ summary");
for (const r of results) {
  console.log(
    `  ${r.name.padEnd(12)} ${r.status.padEnd(18)} ${r.secs ? `${r.secs.padStart(6)} s` : "".padStart(8)}  ${r.note ?? ""}`.trimEnd(),
  );
}
console.log(
  failed.length
    ? `\n${failed.length} step(s) failed: ${failed.map((r) => r.name).join(", ")}`
    : "\nall steps passed",
);
console.log(
  `tests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`,
);
process.exit(failed.length ? 1 : 0);
