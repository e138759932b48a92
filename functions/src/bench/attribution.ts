/**
 * `npm run bench -- attribution`: the attribution model on 1,000,000 journeys over 15 channels
 * (lengths 1–8, one row per journey, with touch ages for time-decay) and on the same journeys
 * aggregated by path (ChannelAttribution's input; no touch ages, so time_decay is left out), both
 * generated inside DuckDB with range(). Prints request→result split into warehouse time (path
 * building and aggregation, wall clock; the concurrent queries listed with their own durations) and model compute (the exact Markov solves and shares),
 * peak RSS, journeys built from ~0.9M standard_events (200,000 people), the funnel model on those
 * events, and a whole CLI run (`cfap analyze attribution` on the aggregated file, a fresh process).
 * Not a test: figures depend on the machine.
 */
import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runAttribution, attributionParamsSchema } from "../models/attribution";
import { funnelParamsSchema, runFunnel } from "../models/funnel";
import type { ModelContext } from "../models/model";
import type { QueryResult, Row, SqlQuery } from "../warehouse/warehouse";
import { openDuckDbWarehouse } from "../warehouse/duckdb";
import { PeakMemory, mib } from "./memory";

const JOURNEYS = 1_000_000;

/** Paths aggregated ChannelAttribution-style (no touch ages, so every model but time_decay). */
const NO_TIME_DECAY = ["first", "last", "linear", "position", "markov", "shapley", "shapley_ordered"];
const aggregatedSource = (table: string) => ({
  kind: "table" as const,
  table,
  path: "path",
  conversions: "total_conversions",
  value: "total_conversion_value",
  nulls: "total_null",
});
const CHANNELS = 15;

export async function benchAttribution(): Promise<void> {
  const wh = await openDuckDbWarehouse({ path: ":memory:" });
  const log: { label: string; ms: number }[] = [];
  const dir = mkdtempSync(join(tmpdir(), "cfap-attr-bench-"));
  try {
    const g0 = performance.now();
    // Channel of touch k of journey i: hash-based, 15 channels; conversion odds rise with
    // journey length and with channels 0–2 present, so the models disagree in interesting ways.
    await wh.exec(
      `CREATE TABLE bench_touch AS SELECT i, k, CAST(hash(i * 8 + k) % ${CHANNELS} AS INTEGER) AS c,
              CAST(hash(i) % 8 AS INTEGER) AS max_k
       FROM range(${JOURNEYS}) t(i), range(8) r(k) WHERE k < 1 + hash(i) % 8`,
    );
    // Journeys as lists (a warehouse's natural representation; BigQuery ARRAY<STRING>).
    await wh.exec(
      `CREATE TABLE bench_journeys AS
       WITH j AS (SELECT i, list('ch' || lpad(CAST(c AS VARCHAR), 2, '0') ORDER BY k) AS path,
                         list(CAST(2 * (max_k - k) AS DOUBLE) ORDER BY k) AS ages,
                         COUNT(*) AS n, MAX(CASE WHEN c < 3 THEN 1 ELSE 0 END) AS strong
                  FROM bench_touch GROUP BY i)
       SELECT i AS journey_id, path, ages,
              CAST((hash(i * 7 + 1) % 1000) < 20 + 8 * n + 40 * strong AS INTEGER) AS conversions
       FROM j`,
    );
    await wh.exec(
      `ALTER TABLE bench_journeys ADD COLUMN value DOUBLE; UPDATE bench_journeys SET value = conversions * (20 + hash(journey_id) % 180);
       ALTER TABLE bench_journeys ADD COLUMN nulls INTEGER; UPDATE bench_journeys SET nulls = 1 - conversions;`,
    );
    await wh.exec(
      `CREATE TABLE bench_paths AS SELECT path, SUM(conversions) AS total_conversions, SUM(value) AS total_conversion_value,
         SUM(nulls) AS total_null FROM bench_journeys GROUP BY path`,
    );
    // ChannelAttribution's string format, for the string-path case and the CLI file.
    await wh.exec(
      `CREATE TABLE bench_paths_str AS SELECT array_to_string(path, ' > ') AS path, total_conversions, total_conversion_value, total_null FROM bench_paths`,
    );
    const csv = join(dir, "paths.csv");
    await wh.exec(`COPY bench_paths_str TO '${csv.replace(/'/g, "''")}' (HEADER, DELIMITER ';')`);
    const sizes = (
      await wh.query({
        label: "bench_sizes",
        sql: `SELECT (SELECT COUNT(*) FROM bench_journeys) AS j, (SELECT COUNT(*) FROM bench_paths) AS p,
                     (SELECT SUM(conversions) FROM bench_journeys) AS c, (SELECT COUNT(*) FROM bench_touch) AS t`,
      })
    ).rows[0];
    console.log(
      `machine: ${cpus().length} CPU(s), load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );
    console.log(
      `attribution bench: ${Number(sizes.j).toLocaleString("en-US")} journeys (${Number(sizes.t).toLocaleString("en-US")} touches, ` +
        `${Number(sizes.c).toLocaleString("en-US")} conversions), ${Number(sizes.p).toLocaleString("en-US")} distinct paths; ` +
        `generated in DuckDB in ${(performance.now() - g0).toFixed(0)} ms`,
    );

    const metered = async <T = Row>(q: SqlQuery): Promise<QueryResult<T>> => {
      const t0 = performance.now();
      const res = await wh.query<T>(q);
      log.push({ label: q.label, ms: performance.now() - t0 });
      return res;
    };
    const cases = [
      {
        name: "1,000,000 journeys, one row each (all 8 models, touch ages for time_decay)",
        params: {
          source: {
            kind: "table",
            table: "bench_journeys",
            path: "path",
            conversions: "conversions",
            value: "value",
            nulls: "nulls",
            times: "ages",
          },
        },
      },
      {
        name: "the same aggregated by path (7 models: no touch ages in this format)",
        params: {
          source: aggregatedSource("bench_paths"),
          models: NO_TIME_DECAY,
        },
      },
      {
        name: "the same aggregated paths as ' > '-joined strings (split in every query)",
        params: {
          source: aggregatedSource("bench_paths_str"),
          models: NO_TIME_DECAY,
        },
      },
      {
        name: "aggregated paths, markov only, order 2 (225 + 15 states)",
        params: {
          source: aggregatedSource("bench_paths"),
          models: ["markov"],
          markov: { order: 2 },
        },
      },
    ];
    for (const c of cases) {
      for (let rep = 0; rep < 2; rep++) {
        log.length = 0;
        const mem = new PeakMemory();
        const ctx: ModelContext<ReturnType<typeof attributionParamsSchema.parse>> = {
          workspaceId: "bench",
          params: attributionParamsSchema.parse(c.params),
          warehouse: { dialect: wh.dialect, kind: wh.kind },
          query: metered,
          stage: async () => undefined,
          checkCancelled: async () => undefined,
        };
        const t0 = performance.now();
        const out = await runAttribution(ctx);
        const total = performance.now() - t0;
        const peak = mem.stop();
        const timing = out.diagnostics.timing_ms as { warehouse: number; query_sum: number; compute: number };
        const markov = out.diagnostics.markov as
          { removal_effects: { channel: string; removal_effect: number }[] } | undefined;
        console.log(`\n${c.name}${rep === 0 ? " (cold)" : " (warm)"}`);
        console.log(
          `  request->result ${total.toFixed(0)} ms = warehouse ${timing.warehouse.toFixed(0)} ms wall (concurrent queries: ` +
            `${log.map((l) => `${l.label} ${l.ms.toFixed(0)}`).join(", ")}) + model compute ${timing.compute.toFixed(2)} ms; ` +
            `reconciles ${String(out.diagnostics.reconciles)}; peak RSS ${mib(peak)}`,
        );
        if (rep === 1 && markov) {
          console.log(
            `  markov removal effects: ${markov.removal_effects
              .slice(0, 5)
              .map((r) => `${r.channel} ${r.removal_effect.toFixed(6)}`)
              .join(", ")}, …`,
          );
        }
      }
    }

    // Journeys built from standard_events: 200,000 people, 1–8 sessions each (one page_view per session,
    // channel by hash), a purchase after the last session for ~8%; the warehouse builds the journeys.
    const e0 = performance.now();
    await wh.exec(
      `INSERT INTO standard_events (workspace_id, event_id, event_name, event_ts, received_at, user_id, session_id, channel, revenue, ingest_path)
       SELECT 'bench', 'v' || u || '_' || k, 'page_view', TIMESTAMP '2024-03-01' + INTERVAL (u % 600000) SECOND + INTERVAL (k * 6) HOUR,
              TIMESTAMP '2024-03-01', 'u' || u, 's' || u || '_' || k, 'ch' || lpad(CAST(hash(u * 8 + k) % ${CHANNELS} AS VARCHAR), 2, '0'),
              NULL, 'seed'
       FROM range(200000) t(u), range(8) r(k) WHERE k < 1 + hash(u) % 8`,
    );
    await wh.exec(
      `INSERT INTO standard_events (workspace_id, event_id, event_name, event_ts, received_at, user_id, session_id, channel, revenue, ingest_path)
       SELECT 'bench', 'p' || u, 'purchase', TIMESTAMP '2024-03-01' + INTERVAL (u % 600000) SECOND + INTERVAL ((hash(u) % 8) * 6) HOUR + INTERVAL 1 MINUTE,
              TIMESTAMP '2024-03-01', 'u' || u, 's' || u || '_' || (hash(u) % 8), 'direct', 20 + hash(u) % 180, 'seed'
       FROM range(200000) t(u) WHERE hash(u * 7 + 1) % 1000 < 80`,
    );
    console.log(
      `\nstandard_events: ${(await wh.query({ label: "n", sql: "SELECT COUNT(*) AS n FROM standard_events WHERE workspace_id = 'bench'" })).rows[0].n} events inserted in ${(performance.now() - e0).toFixed(0)} ms`,
    );
    for (let rep = 0; rep < 2; rep++) {
      log.length = 0;
      const mem = new PeakMemory();
      const ctx: ModelContext<ReturnType<typeof attributionParamsSchema.parse>> = {
        workspaceId: "bench",
        params: attributionParamsSchema.parse({
          source: {
            kind: "events",
            conversion_event: "purchase",
            start: "2024-03-01",
            end: "2024-03-31",
            lookback_days: 30,
          },
        }),
        warehouse: { dialect: wh.dialect, kind: wh.kind },
        query: metered,
        stage: async () => undefined,
        checkCancelled: async () => undefined,
      };
      const t0 = performance.now();
      const out = await runAttribution(ctx);
      const total = performance.now() - t0;
      const timing = out.diagnostics.timing_ms as { warehouse: number; compute: number };
      const tot = out.diagnostics.totals as { conversions: number; rows: number };
      console.log(
        `journeys from standard_events (${tot.rows.toLocaleString("en-US")} journeys, ${tot.conversions.toLocaleString("en-US")} conversions, all 8 models)${rep === 0 ? " (cold)" : " (warm)"}: ` +
          `request->result ${total.toFixed(0)} ms = warehouse ${timing.warehouse.toFixed(0)} ms wall (path building + aggregation: ` +
          `${log.map((l) => `${l.label} ${l.ms.toFixed(0)}`).join(", ")}) + model compute ${timing.compute.toFixed(2)} ms; peak RSS ${mib(mem.stop())}`,
      );
    }

    // The funnel model on the same events: page_view → purchase within 7 days, by channel, with progress credit.
    for (let rep = 0; rep < 2; rep++) {
      const ctx: ModelContext<ReturnType<typeof funnelParamsSchema.parse>> = {
        workspaceId: "bench",
        params: funnelParamsSchema.parse({
          steps: [{ event_name: "page_view" }, { event_name: "purchase" }],
          start: "2024-03-01",
          end: "2024-03-31",
          breakdown: "channel",
        }),
        warehouse: { dialect: wh.dialect, kind: wh.kind },
        query: metered,
        stage: async () => undefined,
        checkCancelled: async () => undefined,
      };
      const t0 = performance.now();
      const out = await runFunnel(ctx);
      console.log(
        `funnel page_view → purchase over the same events (${out.n_obs.toLocaleString("en-US")} people entered, ` +
          `${out.estimates[1]?.estimate.toLocaleString("en-US")} purchased; breakdown and progress credit)${rep === 0 ? " (cold)" : " (warm)"}: ` +
          `request->result ${(performance.now() - t0).toFixed(0)} ms`,
      );
    }

    // Whole CLI run on the aggregated file, in a fresh process (Node start, DuckDB open, CSV load, run, print).
    const ts = __filename.endsWith(".ts");
    const cmd = join(
      __dirname,
      "..",
      "cli",
      "commands",
      ts ? "analyze-attribution.ts" : "analyze-attribution.js",
    );
    const script =
      `require(${JSON.stringify(cmd)}).analyzeAttribution(["--data", ${JSON.stringify(csv)}, "--path", "path", ` +
      `"--conversions", "total_conversions", "--value", "total_conversion_value", "--nulls", "total_null", "--json"])` +
      `.then((c) => { process.exitCode = c; })`;
    const t0 = performance.now();
    const run = spawnSync(process.execPath, [...(ts ? ["--require", "tsx/cjs"] : []), "-e", script], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    const ms = performance.now() - t0;
    if (run.status !== 0) {
      console.log(`\nCLI run failed (${run.status}): ${run.stderr.slice(0, 500)}`);
    } else {
      const env = JSON.parse(run.stdout) as { estimates: unknown[] };
      console.log(
        `\nwhole CLI run (fresh process: analyze attribution --data paths.csv, ${Number(sizes.p).toLocaleString("en-US")} paths, all models, --json): ` +
          `${ms.toFixed(0)} ms wall, ${env.estimates.length} estimate rows${ts ? " (through tsx: includes TypeScript transpiling)" : ""}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await wh.close();
  }
}
