#!/usr/bin/env node
// The `cfap` CLI. Runs the compiled build when it is up to date, else the TypeScript sources through tsx
// (so a developer never runs a stale build by accident).
const { existsSync, readdirSync, statSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
const built = join(root, "lib", "cli", "main.js");
const src = join(root, "src");

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const useBuild = existsSync(built) && (!existsSync(src) || statSync(built).mtimeMs >= newestMtime(src));
if (useBuild) {
  require(built).main(process.argv.slice(2));
} else {
  require("tsx/cjs");
  require(join(src, "cli", "main.ts")).main(process.argv.slice(2));
}
