import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { analyzeFunnel } from "../../../../src/cli/commands/analyze-funnel";

/**
 * An NDJSON events file through the ingestion readers and normaliser: channels come from UTM context
 * (utm_medium cpc → paid search, email → email; none → direct). Funnel signup → activate:
 * p1 (cpc) 2 → activates after 1 h; p2 (email) signs up, never activates; p3 (no UTM) activates after 3 h.
 */
let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cfap-funnel-cli-"));
  file = join(dir, "events.ndjson");
  const t = (h: number) => new Date(Date.UTC(2024, 0, 10) + h * 3_600_000).toISOString();
  const lines = [
    {
      event_name: "signup",
      timestamp: t(0),
      user_id: "p1",
      context: { utm_source: "google", utm_medium: "cpc" },
      properties: { plan: "pro" },
    },
    {
      event_name: "activate",
      timestamp: t(1),
      user_id: "p1",
      context: { utm_source: "google", utm_medium: "cpc" },
    },
    {
      event_name: "signup",
      timestamp: t(2),
      user_id: "p2",
      context: { utm_source: "newsletter", utm_medium: "email" },
      properties: { plan: "free" },
    },
    { event_name: "signup", timestamp: t(3), user_id: "p3", properties: { plan: "pro" } },
    { event_name: "activate", timestamp: t(6), user_id: "p3" },
    { event_name: "bad" },
  ];
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function capture(): () => string {
  let buf = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => {
    buf += String(s);
    return true;
  });
  vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => {
    buf += a.join(" ") + "\n";
  });
  return () => buf;
}

describe("cfap analyze funnel", () => {
  it("loads an NDJSON file and prints the funnel envelope", async () => {
    const out = capture();
    expect(
      await analyzeFunnel(["--data", file, "--steps", "signup,activate", "--breakdown", "channel", "--json"]),
    ).toBe(0);
    const env = JSON.parse(out()) as {
      params: { start: string; end: string };
      estimates: { estimate: number; median_seconds_from_previous: number | null }[];
      diagnostics: { breakdown: { rows: { value: string; users: number[] }[] } };
    };
    expect(env.params).toMatchObject({ start: "2024-01-10", end: "2024-01-10" });
    expect(env.estimates.map((e) => e.estimate)).toEqual([3, 2]);
    expect(env.estimates[1].median_seconds_from_previous).toBe(7200);
    expect(env.diagnostics.breakdown.rows.map((r) => r.users[0]).reduce((a, b) => a + b, 0)).toBe(3);
  });

  it("applies --filter and prints a readable table", async () => {
    const out = capture();
    expect(
      await analyzeFunnel(["--data", file, "--steps", "signup,activate", "--filter", "1:plan=pro"]),
    ).toBe(0);
    expect(out()).toMatch(/1\. signup\s+2\s+100\.0%/);
    expect(out()).toMatch(/2\. activate\s+2\s+100\.0%/);
    expect(out()).toMatch(/1 rejected/);
  });

  it("explains bad flags", async () => {
    await expect(analyzeFunnel(["--data", file])).rejects.toThrow(/--steps is required/);
    await expect(analyzeFunnel(["--data", file, "--steps", "a,b", "--filter", "9:x=1"])).rejects.toThrow(
      /no step 9/,
    );
  });
});
