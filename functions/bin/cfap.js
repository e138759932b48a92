#!/usr/bin/env node
// The `cfap` CLI. Runs the compiled build when present, else the TypeScript sources through tsx.
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const built = join(__dirname, "..", "lib", "cli", "main.js");
if (existsSync(built)) {
  require(built).main(process.argv.slice(2));
} else {
  require("tsx/cjs");
  require(join(__dirname, "..", "src", "cli", "main.ts")).main(process.argv.slice(2));
}
