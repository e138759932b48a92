import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import reference from "../../fixtures/did/reference.json";

/**
 * The `cfap` binary end to end, as a user runs it (a separate process through bin/cfap.js): output
 * contract, exit codes and error messages. Numbers are checked against the statsmodels fixture
 * (functions/scripts/reference/did_reference.py; see reference.json's provenance).
 */
const BIN = resolve(__dirname, "../../../bin/cfap.js");
const FIXTURES = resolve(__dirname, "../../fixtures/did");

function cfap(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("cfap analyze did", () => {
  it("prints the result envelope with --json, matching statsmodels (2x2, CR1 by unit)", () => {
    const r = cfap(
      "analyze",
      "did",
      "--data",
      join(FIXTURES, "panel_balanced.csv"),
      "--outcome",
      "y",
      "--treated",
      "treated",
      "--post",
      "post",
      "--unit",
      "unit",
      "--design",
      "2x2",
      "--json",
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const env = JSON.parse(r.stdout) as { model: string; estimates: Array<Record<string, number | string>> };
    expect(env.model).toBe("did");
    const att = env.estimates.find((e) => e.term === "att")!;
    const want = reference.cases.balanced_2x2_cr1.terms.att;
    expect(att.estimate).toBeCloseTo(want.estimate, 9);
    expect(Math.abs(Number(att.std_error) / want.std_error - 1)).toBeLessThan(1e-6);
    expect(Math.abs(Number(att.p_value) / want.p_value - 1)).toBeLessThan(1e-6);
  });

  it("explains bad input with a message and a non-zero exit code, never a stack trace", () => {
    const missingCol = cfap(
      "analyze",
      "did",
      "--data",
      join(FIXTURES, "panel_balanced.csv"),
      "--outcome",
      "nope",
    );
    expect(missingCol.code).not.toBe(0);
    expect(missingCol.stderr).toMatch(/column "nope" is not in/);
    expect(missingCol.stderr).not.toMatch(/\n\s+at /);

    const noFile = cfap("analyze", "did", "--data", "/nonexistent.csv", "--outcome", "y");
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/cannot read/);

    const badSe = cfap(
      "analyze",
      "did",
      "--data",
      join(FIXTURES, "panel_balanced.csv"),
      "--outcome",
      "y",
      "--treated",
      "treated",
      "--post",
      "post",
      "--se",
      "robust",
    );
    expect(badSe.code).not.toBe(0);
    expect(badSe.stderr).toMatch(/se/);

    const unknownModel = cfap("analyze", "magic");
    expect(unknownModel.code).toBe(2);
    expect(unknownModel.stderr).toMatch(/unknown model 'magic'/);

    const unknownFlag = cfap("analyze", "did", "--colour", "red");
    expect(unknownFlag.code).not.toBe(0);
    expect(unknownFlag.stderr).toMatch(/colour/);
  });
});

describe("cfap ingest and events summary", () => {
  it("ingests a file into the embedded warehouse, deduplicates a replay, and reports rejected rows", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfap-cli-"));
    const db = join(dir, "w.duckdb");
    const ts = new Date(Date.now() - 3_600_000).toISOString();
    const file = join(dir, "events.ndjson");
    writeFileSync(
      file,
      [
        JSON.stringify({ event_id: "e1", event_name: "Page Viewed", timestamp: ts, anonymous_id: "a" }),
        JSON.stringify({
          event_id: "e2",
          event_name: "purchase",
          timestamp: ts,
          user_id: "u",
          revenue: 3,
          currency: "EUR",
        }),
        "not json",
        JSON.stringify({ event_id: "e3", event_name: "purchase", timestamp: "tomorrow", user_id: "u" }),
      ].join("\n"),
    );
    const first = cfap("ingest", file, "--workspace", "acme", "--db", db, "--json");
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      rows: 4,
      accepted: 2,
      inserted: 2,
      duplicates: 0,
      rejected: 2,
    });
    const replay = cfap("ingest", file, "--workspace", "acme", "--db", db, "--json");
    expect(JSON.parse(replay.stdout)).toMatchObject({ accepted: 2, inserted: 0, duplicates: 2 });
    const summary = cfap("events", "summary", "--workspace", "acme", "--db", db, "--json");
    expect(JSON.parse(summary.stdout)).toMatchObject({
      total: 2,
      by_name: expect.arrayContaining([
        { event_name: "page_view", events: 1 },
        { event_name: "purchase", events: 1 },
      ]),
    });
    const badWs = cfap("ingest", file, "--workspace", "Not A Workspace", "--db", db);
    expect(badWs.code).toBe(2);
    expect(badWs.stderr).toMatch(/--workspace/);
    expect(cfap("ingest", file, "--workspace", "acme", "--db", db, "--slice-mb", "0").stderr).toMatch(
      /--slice-mb/,
    );

    // The same events as CSV take the row path and land in the same table, deduplicated against it.
    const csv = join(dir, "events.csv");
    writeFileSync(
      csv,
      ["event_id,event_name,timestamp,user_id", `e2,purchase,${ts},u`, `e4,signup,${ts},u`].join("\n"),
    );
    const fromCsv = cfap("ingest", csv, "--workspace", "acme", "--db", db, "--json");
    expect(JSON.parse(fromCsv.stdout)).toMatchObject({ rows: 2, accepted: 2, inserted: 1, duplicates: 1 });
  });
});
