#!/usr/bin/env node
// Screenshot smoke run of the dashboard against a running local stack (not the e2e suite yet):
//   node emulators/exec.mjs -- sh -c "node functions/bin/cfap.js seed --emulators; npm run e2e:smoke -w web"
// Base URL from CFAP_E2E_BASE_URL (default: the Hosting emulator); Chromium from CHROMIUM_PATH or /usr/bin/chromium.
// Screenshots go to test-artifacts/web-smoke/ at the repository root.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const base = process.env.CFAP_E2E_BASE_URL ?? "http://127.0.0.1:5002";
const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../test-artifacts/web-smoke");
fs.mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
const errors = [];
page.on("pageerror", (e) => errors.push(e.message));
let failed = false;
try {
  await page.goto(`${base}/`);
  await page.getByLabel("Email").waitFor({ timeout: 20_000 });
  await page.screenshot({ path: `${out}/01-signin.png` });
  await page.getByLabel("Email").fill("demo@cfap.dev");
  await page.getByLabel("Password").fill("demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Runs" }).waitFor({ timeout: 20_000 });
  await page.screenshot({ path: `${out}/02-runs.png`, fullPage: true });
  await page
    .getByRole("navigation", { name: "Sections" })
    .getByRole("link", { name: "New analysis" })
    .click();
  await page.getByRole("heading", { name: /Parameters for/ }).waitFor({ timeout: 20_000 });
  await page.screenshot({ path: `${out}/03-new-analysis.png`, fullPage: true });
  await page.getByRole("link", { name: "Ingestion" }).click();
  await page.getByRole("heading", { name: "Ingestion health" }).waitFor();
  await page.waitForTimeout(3000);
  await page.screenshot({ path: `${out}/04-ingestion.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole("link", { name: "Runs" }).click();
  await page.getByRole("heading", { name: "Runs" }).waitFor();
  await page.screenshot({ path: `${out}/05-runs-phone.png`, fullPage: true });
} catch (e) {
  failed = true;
  console.error(`smoke failed: ${e.message}`);
  await page.screenshot({ path: `${out}/99-failure.png`, fullPage: true }).catch(() => {});
} finally {
  await browser.close();
}
if (errors.length) console.error(`page errors:\n  ${errors.join("\n  ")}`);
console.log(`screenshots in ${out}`);
process.exit(failed || errors.length ? 1 : 0);
