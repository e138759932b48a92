// The dashboard end to end, in headless Chromium against the emulator stack (run through e2e/run.mjs).
// One story, in order: sign in → start a DID run on the seeded data → watch it finish live → read the
// estimate → export CSV → re-run and cancel → ingestion (upload, rejected rows, API keys) → keyboard and
// phone → sign out → another workspace sees none of it.
/* global window, document, MutationObserver, getComputedStyle -- page.evaluate callbacks run in the browser */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { chromium } from "playwright-core";

const base = process.env.CFAP_E2E_BASE_URL ?? "http://127.0.0.1:5002";
const artifacts = process.env.CFAP_E2E_ARTIFACTS ?? path.resolve("../test-artifacts/web-e2e");
const authHost = process.env.FIREBASE_AUTH_EMULATOR_HOST ?? "127.0.0.1:9099";
const firestoreHost = process.env.FIRESTORE_EMULATOR_HOST ?? "127.0.0.1:8080";
fs.mkdirSync(artifacts, { recursive: true });

/** The seeded demo's truth (from `cfap seed --json`), or the same computation as functions/src/demo. */
function demoTruth() {
  if (process.env.CFAP_E2E_TRUTH) return JSON.parse(process.env.CFAP_E2E_TRUTH);
  const now = new Date();
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1));
  const start = new Date(end.getTime() - 55 * 86_400_000);
  const day = (d) => d.toISOString().slice(0, 10);
  return {
    treated_units: ["geo_01", "geo_02", "geo_03", "geo_04", "geo_05"],
    start: day(start),
    end: day(end),
    treatment_start: day(new Date(start.getTime() + 28 * 86_400_000)),
    true_att_purchases_per_geo_day: 6,
  };
}
const truth = demoTruth();
const TRUE_ATT = truth.true_att_purchases_per_geo_day;

/** "−1.5" (U+2212 minus, thousands commas) → -1.5 */
const num = (s) =>
  Number(
    String(s)
      .replace(/\u2212/g, "-")
      .replace(/,/g, "")
      .trim(),
  );

let browser;
let context;
let page;
const pageErrors = [];
const state = {};
const timings = {};

/** Waits for the run on the page to finish; fails at once (with the typed error) if it did not succeed. */
async function waitForRunEnd(expected = "Succeeded", timeout = 120_000) {
  const badge = page.locator(".run-status .badge", { hasText: /^(Succeeded|Failed|Cancelled)$/ });
  await badge.waitFor({ timeout });
  const status = await badge.textContent();
  if (status !== expected) {
    const why = await page
      .locator(".run-status .alert")
      .textContent()
      .catch(() => "");
    assert.fail(`the run ended ${status}, not ${expected}: ${why}`);
  }
}

/** Skips a step whose prerequisite step failed, instead of timing out again. */
function needs(t, ...keys) {
  const missing = keys.filter((k) => state[k] === undefined);
  if (missing.length) t.skip(`needs ${missing.join(", ")} from an earlier step`);
  return missing.length > 0;
}

async function shot(name, opts = {}) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true, ...opts });
}

async function signIn(email, password) {
  await page.getByRole("heading", { name: "Sign in to CFAP" }).waitFor();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Runs", level: 1 }).waitFor({ timeout: 30_000 });
}

/** Admin writes to the Firestore emulator (the "owner" token bypasses the rules), as the seed does. */
async function firestoreAdmin(method, docPath, fields, mask) {
  const q = mask ? `?${mask.map((f) => `updateMask.fieldPaths=${f}`).join("&")}` : "";
  const res = await fetch(
    `http://${firestoreHost}/v1/projects/demo-cfap/databases/(default)/documents/${docPath}${q}`,
    {
      method,
      headers: { authorization: "Bearer owner", "content-type": "application/json" },
      body: fields ? JSON.stringify({ fields }) : undefined,
    },
  );
  assert.ok(res.ok, `${method} ${docPath}: ${res.status} ${await res.text()}`);
}
const workspaceList = (list) => ({
  arrayValue: {
    values: list.map(([id, name]) => ({
      mapValue: { fields: { id: { stringValue: id }, name: { stringValue: name } } },
    })),
  },
});

/** A user's uid, from the Auth emulator. */
async function uidOf(email, password) {
  const res = await fetch(
    `http://${authHost}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo-key`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password, returnSecureToken: true }),
    },
  );
  return (await res.json()).localId;
}

/** An ID token straight from the Auth emulator, to check what the server side refuses. */
async function idToken(email, password) {
  const res = await fetch(
    `http://${authHost}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo-key`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password, returnSecureToken: true }),
    },
  );
  assert.equal(res.status, 200, "Auth emulator sign-in");
  return (await res.json()).idToken;
}

describe("CFAP dashboard", { timeout: 10 * 60_000 }, () => {
  before(async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    // A new context is a fresh profile: no stored session, no cache.
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
  });

  // CFAP_E2E_TRACE=1: a picture after every step (test-artifacts/web-e2e/trace-NN.png).
  let step = 0;
  afterEach(async () => {
    step++;
    if (process.env.CFAP_E2E_TRACE === "1" && page) {
      await shot(`trace-${String(step).padStart(2, "0")}`).catch(() => {});
    }
  });

  after(async () => {
    if (page && process.exitCode) await shot("99-last-state").catch(() => {});
    await browser?.close();
    console.log(`timings: ${JSON.stringify(timings)}`);
  });

  it("shows the sign-in screen and signs in as demo", async () => {
    await page.goto(`${base}/`);
    await page.getByRole("heading", { name: "Sign in to CFAP" }).waitFor({ timeout: 30_000 });
    // A wrong password gets a readable message, not a code.
    await page.getByLabel("Email").fill("demo@cfap.dev");
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "do not match an account" }).waitFor();
    await shot("01-sign-in");
    await signIn("demo@cfap.dev", "demo-password");
    assert.match(page.url(), /\/w\/demo\/runs$/);
    const options = await page.locator("#workspace-switcher option").allTextContents();
    assert.deepEqual(options, ["Demo Shop"]);
  });

  it("starts a DID run from the New analysis form (events source, defaults to the events branch)", async () => {
    await page
      .getByRole("navigation", { name: "Sections" })
      .getByRole("link", { name: "New analysis" })
      .click();
    await page.getByRole("heading", { name: "Parameters for did" }).waitFor();
    // The params union's default branch is the events source.
    assert.equal(await page.locator("#params-root-variant").inputValue(), "1");
    const form = page.locator("form.analysis-form");
    await form.locator("#params-outcome-kind").selectOption("event_count");
    await form.locator("#params-outcome-event_name").fill("purchase");
    await form.getByLabel("Unit: type").selectOption({ label: "with property" });
    await form.locator("#params-unit-property").fill("geo");
    await form.locator("#params-period").selectOption("day");
    await form.locator("#params-start").fill(truth.start);
    await form.locator("#params-end").fill(truth.end);
    await form.locator("#params-treatment-treated_units").fill(truth.treated_units.join(", "));
    await form.locator("#params-treatment-start").fill(truth.treatment_start);
    await form.getByLabel("Include event study").check();
    await form.locator("#params-event_study-leads").fill("3");
    await form.locator("#params-event_study-lags").fill("3");
    await shot("03-new-analysis");

    // Watch the status badge from here on, in the same document (no reload allowed).
    await page.evaluate(() => {
      window.__e2eSameDocument = true;
      window.__statuses = [];
      new MutationObserver(() => {
        const b = document.querySelector(".run-status .badge");
        const s = b?.textContent ?? null;
        if (s && window.__statuses.at(-1) !== s) window.__statuses.push(s);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    state.submittedAt = Date.now();
    await form.getByRole("button", { name: "Run analysis" }).click();
    await page.waitForURL(/\/w\/demo\/runs\/job_[^/]+$/);
    state.jobId = decodeURIComponent(page.url().split("/").pop());
    await page.locator(".run-status .badge").waitFor();
  });

  it("sees the status change live to succeeded without reloading", async (t) => {
    if (needs(t, "jobId")) return;
    await waitForRunEnd("Succeeded");
    timings.run_submit_to_succeeded_s = (Date.now() - state.submittedAt) / 1000;
    const { same, statuses } = await page.evaluate(() => ({
      same: window.__e2eSameDocument === true,
      statuses: window.__statuses,
    }));
    assert.ok(same, "the page was not reloaded");
    state.succeeded = true;
    assert.equal(statuses.at(-1), "Succeeded");
    assert.ok(
      statuses.some((s) => s === "Queued" || s === "Running"),
      `saw the run before it finished: ${statuses.join(" → ")}`,
    );
    state.statuses = statuses;
  });

  it("reads the ATT and its interval on the run detail page (it contains the true effect)", async (t) => {
    if (needs(t, "succeeded")) return;
    const table = page.getByRole("region", { name: "Estimates" }).getByRole("table");
    const att = table
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: "att", exact: true }) });
    // allTextContents does not wait: the result may still be loading when the status turns succeeded.
    await att.getByRole("cell").nth(2).waitFor();
    const cells = await att.getByRole("cell").allTextContents();
    const estimate = num(cells[0]);
    const [low, high] = cells[2].split(" to ").map(num);
    assert.ok(low < TRUE_ATT && TRUE_ATT < high, `95% CI ${low} to ${high} contains ${TRUE_ATT}`);
    assert.ok(low < estimate && estimate < high);
    state.att = { estimate, low, high };
    const headline = await page.getByTestId("significance").textContent();
    assert.match(headline, /statistically significant at the 5% level/);
    assert.match(headline, /95% CI/);
    // The did model's own view, loaded under the estimates.
    const did = page.getByTestId("did-diagnostics");
    await did.waitFor();
    await did.getByRole("figure", { name: "Treated and control group outcome by period" }).waitFor();
    await did.getByRole("figure", { name: /Event-study coefficients/ }).waitFor();
    assert.match(await page.getByTestId("pretrend").textContent(), /^Pre-trend test \(F\(2, \d+\) = /);
    await page.waitForTimeout(300); // let the charts settle for the picture
    await shot("04-run-detail");
  });

  it("downloads the estimates as CSV", async (t) => {
    if (needs(t, "att")) return;
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export estimates (CSV)" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `did-${state.jobId}-estimates.csv`);
    const file = path.join(artifacts, download.suggestedFilename());
    await download.saveAs(file);
    const lines = fs.readFileSync(file, "utf8").trimEnd().split("\r\n");
    const header = lines[0].split(",");
    assert.deepEqual(header.slice(0, 7), [
      "term",
      "estimate",
      "std_error",
      "ci_low",
      "ci_high",
      "p_value",
      "df",
    ]);
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(",").map((v, i) => [header[i], v])));
    assert.deepEqual(
      rows.map((r) => r.term),
      ["att", "lead_3", "lead_2", "lag_0", "lag_1", "lag_2", "lag_3"],
    );
    const att = rows[0];
    assert.ok(Number(att.ci_low) < TRUE_ATT && TRUE_ATT < Number(att.ci_high));
    assert.ok(Math.abs(Number(att.estimate) - state.att.estimate) < 0.05, "CSV matches the page");
    assert.ok(Number(att.p_value) < 0.05);
  });

  it("lists the run live with its result, and filters by status", async (t) => {
    if (needs(t, "succeeded")) return;
    await page.getByRole("link", { name: "Runs", exact: true }).first().click();
    await page.getByRole("heading", { name: "Runs", level: 1 }).waitFor();
    const row = page.locator("tr.run").filter({ has: page.locator(`a[href$="${state.jobId}"]`) });
    await row.waitFor();
    assert.equal(await row.locator(".badge").textContent(), "Succeeded");
    assert.match(await row.locator('td[data-label="Result"]').textContent(), /^att: \+\d/);
    assert.equal(await row.locator('td[data-label="Started by"]').textContent(), "You");
    await page.getByLabel("Status").selectOption("failed");
    // count() does not wait: let the filtered list render first.
    await row.waitFor({ state: "detached" });
    assert.equal(await row.count(), 0);
    await page.getByRole("button", { name: "Clear filters" }).click();
    await row.waitFor();
    await shot("02-runs");
  });

  it("re-runs a run: a new job with the same params and the same estimate", async (t) => {
    if (needs(t, "att")) return;
    await page.goto(`${base}/w/demo/runs/${state.jobId}`);
    await page.getByRole("button", { name: "Re-run" }).click();
    await page.waitForURL((u) => /\/runs\/job_/.test(u.pathname) && !u.pathname.endsWith(state.jobId));
    const rerunId = decodeURIComponent(page.url().split("/").pop());
    await waitForRunEnd("Succeeded");
    const table = page.getByRole("region", { name: "Estimates" }).getByRole("table");
    const att = table
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: "att", exact: true }) });
    await att.waitFor();
    await att.getByRole("cell").first().waitFor();
    assert.equal(num((await att.getByRole("cell").allTextContents())[0]), state.att.estimate);
    state.rerunId = rerunId;
  });

  it("edits the parameters of a run and cancels the (slower) new run against the API", async (t) => {
    if (needs(t, "jobId")) return;
    await page.goto(`${base}/w/demo/runs/${state.jobId}`);
    await page.getByRole("link", { name: "Edit parameters" }).click();
    await page.getByRole("heading", { name: "Parameters for did" }).waitFor();
    const form = page.locator("form.analysis-form");
    // Prefilled from the run.
    assert.equal(await form.locator("#params-outcome-event_name").inputValue(), "purchase");
    assert.equal(await form.locator("#params-start").inputValue(), truth.start);
    // Users instead of geos as units: a panel of ~100k units that takes the worker a while.
    await form.getByLabel("Unit: type").selectOption({ index: 0 });
    await form.getByRole("combobox", { name: "Unit", exact: true }).selectOption("user_id");
    await form.locator("#params-treatment-treated_units").fill("u_geo_01_1, u_geo_01_2");
    await form.getByLabel("Include event study").uncheck();
    await form.getByRole("button", { name: "Run analysis" }).click();
    await page.waitForURL((u) => /\/runs\/job_/.test(u.pathname) && !u.pathname.endsWith(state.jobId));
    const cancelId = decodeURIComponent(page.url().split("/").pop());
    await page.getByRole("button", { name: "Cancel run" }).click();
    await page
      .locator(".run-status .badge", { hasText: /Cancelled|Succeeded|Failed/ })
      .waitFor({ timeout: 120_000 });
    assert.equal(await page.locator(".run-status .badge").textContent(), "Cancelled");
    await page.getByText(/This run was cancelled/).waitFor();
    await page.getByRole("button", { name: "Re-run" }).waitFor();
    // The list shows it as cancelled too.
    await page.getByRole("link", { name: "Runs", exact: true }).first().click();
    const row = page.locator("tr.run").filter({ has: page.locator(`a[href$="${cancelId}"]`) });
    assert.equal(await row.locator(".badge").textContent(), "Cancelled");
  });

  it("shows ingestion health: events per day, an upload with its outcome, rejected rows", async () => {
    await page.getByRole("link", { name: "Ingestion" }).click();
    await page.getByRole("heading", { name: "Ingestion health" }).waitFor();
    await page
      .getByRole("figure", { name: /Events per day for \d+ event names/ })
      .waitFor({ timeout: 30_000 });
    const marker = `u_e2e_${Date.now()}`;
    const ts = new Date(Date.now() - 3600_000).toISOString();
    const csv =
      "event_name,timestamp,user_id,properties.geo\n" +
      `e2e_upload,${ts},${marker}_ok,geo_01\n` +
      `,${ts},${marker}_bad,geo_02\n`;
    const name = `e2e-upload-${Date.now()}.csv`;
    await page
      .locator("#upload-file")
      .setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await page.getByRole("status").filter({ hasText: `Uploaded` }).waitFor({ timeout: 30_000 });
    const item = page.locator("li.upload").filter({ hasText: name });
    await item.locator(".badge", { hasText: "Succeeded" }).waitFor({ timeout: 60_000 });
    assert.match(await item.textContent(), /2 rows read · 1 accepted · 1 rejected/);
    // The rejected rows table refreshes when the upload finishes, with the row's reason.
    const rejected = page.getByRole("table", { name: "Rejected rows with reasons" });
    const row = rejected.getByRole("row").filter({ hasText: `${marker}_bad` });
    await row.waitFor({ timeout: 30_000 });
    assert.match(await row.textContent(), /event_name/);
    assert.match(await row.textContent(), /is required/);
    await shot("05-ingestion");
  });

  it("creates an API key (shown once) and revokes it", async () => {
    const keyName = `e2e ${Date.now()}`;
    await page.getByLabel("New key name").fill(keyName);
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = await page.getByTestId("new-api-key").textContent();
    assert.match(secret, /^cfap_/);
    await page.getByRole("button", { name: "I have saved it" }).click();
    assert.equal(await page.getByTestId("new-api-key").count(), 0);
    await page.getByRole("button", { name: `Revoke ${keyName}` }).click();
    await page.getByRole("button", { name: "Confirm revoke" }).click();
    await page.getByRole("row").filter({ hasText: keyName }).filter({ hasText: "Revoked" }).waitFor();
  });

  it("is keyboard accessible: skip link, then the form by Tab and Enter", async () => {
    await page.goto(`${base}/w/demo/runs`);
    await page.getByRole("heading", { name: "Runs", level: 1 }).waitFor();
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "main");
    // From the main landmark, Tab reaches the primary action and Enter follows it.
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press("Tab");
      if ((await page.evaluate(() => document.activeElement?.textContent)) === "New analysis") break;
    }
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "New analysis");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Parameters for did" }).waitFor();
    const focusVisible = await page.evaluate(() => {
      const el = document.querySelector("#params-period");
      el.focus();
      return getComputedStyle(el).outlineStyle !== "none";
    });
    assert.ok(focusVisible, "focused fields show an outline");
  });

  it("is readable on a phone (no sideways scrolling)", async (t) => {
    if (needs(t, "succeeded")) return;
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [url, heading, name] of [
      [`/w/demo/runs`, "Runs", "06-runs-phone"],
      [`/w/demo/runs/${state.jobId}`, "did", "07-run-detail-phone"],
      [`/w/demo/ingestion`, "Ingestion health", "09-ingestion-phone"],
      [`/w/demo/new`, "New analysis", "10-new-analysis-phone"],
    ]) {
      await page.goto(base + url);
      await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
      if (name.includes("detail")) await page.getByTestId("did-diagnostics").waitFor();
      const { overflow, culprits } = await page.evaluate(() => {
        const w = window.innerWidth;
        const culprits = [...document.querySelectorAll("body *")]
          .filter((el) => el.getBoundingClientRect().right > w + 1 && !el.closest(".table-scroll"))
          .slice(-5)
          .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`);
        return { overflow: document.documentElement.scrollWidth - w, culprits };
      });
      assert.ok(overflow <= 1, `${url}: page is ${overflow}px wider than the phone (${culprits.join(", ")})`);
      await shot(name);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("switches workspaces with the switcher once the user belongs to a second one", async () => {
    const uid = await uidOf("demo@cfap.dev", "demo-password");
    await page.goto(`${base}/w/demo/runs`);
    await page.getByRole("heading", { name: "Runs", level: 1 }).waitFor();
    // Make demo a member of "other" (membership doc + the user's list, as a workspace owner would).
    await firestoreAdmin("PATCH", `workspaces/other/members/${uid}`, {
      role: { stringValue: "viewer" },
      email: { stringValue: "demo@cfap.dev" },
    });
    await firestoreAdmin(
      "PATCH",
      `users/${uid}`,
      {
        workspaces: workspaceList([
          ["demo", "Demo Shop"],
          ["other", "Other Co"],
        ]),
      },
      ["workspaces"],
    );
    try {
      const switcher = page.getByLabel("Workspace");
      // The list is live: the new workspace appears without a reload.
      await page
        .locator("#workspace-switcher option", { hasText: "Other Co" })
        .waitFor({ state: "attached" });
      await switcher.selectOption("other");
      await page.waitForURL(/\/w\/other\/runs$/);
      await page.getByRole("heading", { name: "Runs", level: 1 }).waitFor();
      await page.waitForFunction(() => !document.querySelector('[aria-label="Loading runs"]'));
      assert.equal(await page.locator(`a[href*="${state.jobId}"]`).count(), 0, "demo's run is not in other");
      await page.getByRole("link", { name: "Ingestion" }).click();
      await page
        .getByText(/events from/)
        .first()
        .waitFor({ timeout: 30_000 });
      await switcher.selectOption("demo");
      await page.waitForURL(/\/w\/demo\/runs$/);
      await page.locator(`a[href$="${state.jobId}"]`).waitFor();
    } finally {
      await firestoreAdmin("PATCH", `users/${uid}`, { workspaces: workspaceList([["demo", "Demo Shop"]]) }, [
        "workspaces",
      ]);
      await firestoreAdmin("DELETE", `workspaces/other/members/${uid}`);
    }
    await page.locator("#workspace-switcher option", { hasText: "Other Co" }).waitFor({ state: "detached" });
  });

  it("signs out, and another workspace's user sees none of demo's runs", async () => {
    await page.goto(`${base}/w/demo/runs`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to CFAP" }).waitFor();
    await signIn("other@cfap.dev", "other-password");
    assert.match(page.url(), /\/w\/other\/runs$/);
    assert.deepEqual(await page.locator("#workspace-switcher option").allTextContents(), ["Other Co"]);
    await page.waitForFunction(() => !document.querySelector('[aria-label="Loading runs"]'));
    assert.equal(await page.locator(`a[href*="${state.jobId}"]`).count(), 0);
    assert.equal(await page.getByText(state.jobId).count(), 0);

    // Demo's run URL: an access error, no data.
    await page.goto(`${base}/w/demo/runs/${state.jobId}`);
    const denied = page.getByTestId("access-denied");
    await denied.waitFor();
    assert.match(await denied.textContent(), /You do not have access to “demo”/);
    assert.equal(await page.getByTestId("significance").count(), 0);
    assert.equal(await page.getByRole("table").count(), 0);
    await shot("08-other-workspace-denied");
  });

  it("is enforced server-side too: Firestore rules and the API refuse other's token", async () => {
    const token = await idToken("other@cfap.dev", "other-password");
    const doc = await fetch(
      `http://${firestoreHost}/v1/projects/demo-cfap/databases/(default)/documents/workspaces/demo/jobs/${state.jobId}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    assert.equal(doc.status, 403, "Firestore rules deny the job document");
    const api = await fetch(
      `${base}/v1/results?workspace_id=demo&job_id=${encodeURIComponent(state.jobId)}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    assert.equal(api.status, 403, "the API denies the result");
    const mine = await fetch(`${base}/v1/jobs?workspace_id=other`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(mine.status, 200);
    assert.ok(!(await mine.json()).jobs.some((j) => j.job_id === state.jobId));
  });

  it("had no uncaught page errors", () => {
    assert.deepEqual(pageErrors, []);
  });
});
