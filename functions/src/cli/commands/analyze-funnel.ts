/**
 * `cfap analyze funnel`: reads an events file (CSV or NDJSON, gzip too) through the same readers and
 * validate → normalise path as `cfap ingest` into an in-memory warehouse, then runs the `funnel` model
 * on it with the same worker code as the API. Historical files are the point here, so the ingestion
 * age limit is lifted (timestamps up to 100 years old; 5 minutes of future skew).
 */
import { createReadStream, existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadSettings } from "../../config/settings";
import type { ResultEnvelope } from "../../contracts/result";
import { DirectWarehousePublisher } from "../../ingestion/event-writer";
import { canonicalEventName } from "../../ingestion/event-name";
import { FileReadError, readRows } from "../../ingestion/files";
import { ingestRowStream } from "../../ingestion/stream-ingest";
import { FUNNEL_COLUMNS, funnelModel } from "../../models/funnel";
import type { Model } from "../../models/model";
import { createRegistry } from "../../models/registry";
import { runModelLocally } from "../../runs/local-runner";
import { runErrorToCli } from "../run-errors";
import { openDuckDbWarehouse, type DuckDbWarehouse } from "../../warehouse/duckdb";
import { CliError, formatNumber, printJson, table } from "../output";

export const FUNNEL_HELP = `cfap analyze funnel --data <events.csv|.ndjson[.gz]> --steps view_item,add_to_cart,purchase
  [--filter <step>:<property>=<value>]... [--start YYYY-MM-DD --end YYYY-MM-DD] [--window-days 7]
  [--breakdown channel|campaign|...] [--attribution channel|campaign|none] [--json]

Events go through the ingestion validator and normaliser (channel derived from UTM/referrer) into an
in-memory warehouse. Steps are ordered and must complete within --window-days of entering step 1;
--filter restricts a step (1-based) to events whose properties.<path> equals the value
(column:<name>=<value> for a column such as campaign). --start/--end default to the file's dates.`;

const WORKSPACE = "local";

export async function analyzeFunnel(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: "string" },
      steps: { type: "string" },
      filter: { type: "string", multiple: true },
      start: { type: "string" },
      end: { type: "string" },
      "window-days": { type: "string" },
      breakdown: { type: "string" },
      attribution: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  if (!values.data) throw new CliError(`--data is required\n\n${FUNNEL_HELP}`);
  if (!values.steps) throw new CliError("--steps is required (comma-separated event names)");
  const file = resolve(values.data);
  if (!existsSync(file)) throw new CliError(`cannot read ${values.data}`);
  const steps: { event_name: string; filters: Record<string, unknown>[] }[] = values.steps
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((event_name) => ({ event_name, filters: [] }));
  for (const raw of values.filter ?? []) {
    const m = /^(\d+):(column:)?([^=]+)=(.*)$/.exec(raw);
    if (!m) throw new CliError(`--filter: expected <step>:<property>=<value>, got ${JSON.stringify(raw)}`);
    const step = steps[Number(m[1]) - 1];
    if (!step) throw new CliError(`--filter: there is no step ${m[1]}`);
    step.filters.push({ [m[2] ? "column" : "property"]: m[3].trim(), op: "eq", value: m[4] });
  }
  const attribution = values.attribution === "none" ? null : values.attribution;
  if (attribution && !(FUNNEL_COLUMNS as readonly string[]).includes(attribution)) {
    throw new CliError(`--attribution: choose from none, ${FUNNEL_COLUMNS.join(", ")}`);
  }
  const warehouse = await openDuckDbWarehouse({ path: ":memory:" });
  try {
    const loaded = await loadEvents(warehouse, file);
    if (loaded.accepted === 0) {
      throw new CliError(`${values.data}: no valid events (${loaded.rejected} rejected)`, 1);
    }
    const range = await dateRange(warehouse, steps[0].event_name);
    const params: Record<string, unknown> = {
      steps,
      start: values.start ?? range.start,
      end: values.end ?? range.end,
      ...(values["window-days"] ? { window_days: Number(values["window-days"]) } : {}),
      ...(values.breakdown ? { breakdown: values.breakdown } : {}),
      ...(values.attribution !== undefined ? { attribution } : {}),
    };
    if (!params.start || !params.end) {
      throw new CliError(`no "${steps[0].event_name}" events in ${values.data}; give --start and --end`, 1);
    }
    let result: ResultEnvelope;
    try {
      result = await runModelLocally(warehouse, WORKSPACE, "funnel", params, {
        registry: createRegistry([funnelModel as unknown as Model]),
      });
    } catch (err) {
      throw runErrorToCli(err);
    }
    if (values.json) printJson(result);
    else printReadable(result, loaded);
    return 0;
  } finally {
    await warehouse.close();
  }
}

interface Loaded {
  accepted: number;
  rejected: number;
}

async function loadEvents(warehouse: DuckDbWarehouse, file: string): Promise<Loaded> {
  const settings = loadSettings();
  const publisher = new DirectWarehousePublisher(warehouse);
  try {
    const counts = await ingestRowStream(
      readRows(createReadStream(file, { highWaterMark: 1 << 20 }), basename(file), {
        maxDecompressedBytes: settings.CFAP_MAX_FILE_BYTES,
        maxCompressionRatio: settings.CFAP_MAX_GZIP_RATIO,
      }),
      {
        base: {
          workspaceId: WORKSPACE,
          path: "cli",
          sourceId: `cli-funnel:${basename(file)}`,
          receivedAt: new Date(),
          window: { maxFutureSkewMs: 300_000, maxAgeMs: 100 * 365 * 86_400_000 },
        },
        publisher,
      },
    );
    return { accepted: counts.rows_accepted, rejected: counts.rows_rejected };
  } catch (err) {
    if (err instanceof FileReadError) throw new CliError(`${file}: ${err.message} (${err.code})`, 1);
    throw err;
  }
}

async function dateRange(
  warehouse: DuckDbWarehouse,
  firstStep: string,
): Promise<{ start?: string; end?: string }> {
  const { rows } = await warehouse.query({
    label: "funnel_cli_range",
    sql:
      `SELECT strftime(MIN(event_ts), '%Y-%m-%d') AS s, strftime(MAX(event_ts), '%Y-%m-%d') AS e ` +
      `FROM standard_events WHERE workspace_id = $ws AND event_name = $ev`,
    params: { ws: WORKSPACE, ev: canonicalEventName(firstStep) },
  });
  const r = rows[0] ?? {};
  return { start: (r.s as string | null) ?? undefined, end: (r.e as string | null) ?? undefined };
}

function printReadable(r: ResultEnvelope, loaded: Loaded): void {
  const p = r.params as { start?: string; end?: string; window_days?: number };
  console.log(
    `${r.model} ${r.model_version}: ${loaded.accepted.toLocaleString("en-US")} events loaded` +
      (loaded.rejected ? ` (${loaded.rejected} rejected)` : "") +
      `; entries ${p.start} to ${p.end}, window ${p.window_days} day(s)\n`,
  );
  console.log(
    table(
      r.estimates.map((e) => ({
        step: e.label,
        users: e.estimate,
        conversion: pct(e.conversion_rate),
        from_previous: pct(e.step_conversion),
        drop_off: e.drop_off,
        median_time: duration(e.median_seconds_from_previous),
      })),
    ),
  );
  const b = r.diagnostics.breakdown as
    { dimension: string; rows: { value: string; users: number[] }[] } | undefined;
  if (b) {
    console.log(`\nby ${b.dimension}`);
    console.log(
      table(
        b.rows.map((x) => ({
          [b.dimension]: x.value,
          ...Object.fromEntries(x.users.map((u, i) => [`step_${i + 1}`, u])),
        })),
      ),
    );
  }
  const a = r.diagnostics.attribution as
    | {
        dimension: string;
        steps: { from: string; to: string; channels: { value: string; credit: number }[] }[];
      }
    | undefined;
  if (a) {
    console.log(`\nprogress credited to ${a.dimension}`);
    for (const s of a.steps) {
      console.log(
        `${s.from} -> ${s.to}: ${s.channels.map((c) => `${c.value} ${formatNumber(c.credit)}`).join(", ") || "(none)"}`,
      );
    }
  }
  for (const w of r.warnings) console.log(`warning: ${w}`);
}

function pct(v: unknown): string {
  return typeof v === "number" ? `${(v * 100).toFixed(1)}%` : "";
}

function duration(v: unknown): string {
  if (typeof v !== "number") return "";
  if (v < 120) return `${v.toFixed(0)} s`;
  if (v < 7200) return `${(v / 60).toFixed(1)} min`;
  if (v < 172_800) return `${(v / 3600).toFixed(1)} h`;
  return `${(v / 86_400).toFixed(1)} d`;
}
