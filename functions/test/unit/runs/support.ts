import { z } from "zod";
import type { Principal } from "../../../src/auth/authenticate";
import type { Estimate } from "../../../src/contracts/result";
import type { Model, ModelContext, ModelOutput } from "../../../src/models/model";
import { createRegistry } from "../../../src/models/registry";
import { MemoryJobStore, MemoryRunDispatcher } from "../../../src/runs/memory";
import type { WorkerDeps } from "../../../src/runs/worker";
import type { Logger } from "../../../src/services";
import { openDuckDbWarehouse, type DuckDbWarehouse } from "../../../src/warehouse/duckdb";

export const WS = "ws_test";
export const alice: Principal = { kind: "user", uid: "u_alice", email: "alice@example.com" };

export const echoParams = z.object({
  value: z.number(),
  label: z.string().min(1).default("att"),
  window: z.object({ start: z.iso.date(), end: z.iso.date() }).optional(),
});

type Behaviour = (ctx: ModelContext<z.infer<typeof echoParams>>) => Promise<ModelOutput | void>;

/** A controllable test-only model: by default queries once, reports stages and echoes `value`. */
export function echoModel(behaviour?: Behaviour): Model<typeof echoParams> & { runs: number } {
  const model = {
    name: "echo",
    version: "0.0.1",
    description: "test model",
    paramsSchema: echoParams,
    runs: 0,
    async run(ctx: ModelContext<z.infer<typeof echoParams>>): Promise<ModelOutput> {
      model.runs++;
      const custom = behaviour ? await behaviour(ctx) : undefined;
      if (custom) return custom;
      return defaultOutput(ctx);
    },
  };
  return model;
}

export async function defaultOutput(ctx: ModelContext<z.infer<typeof echoParams>>): Promise<ModelOutput> {
  await ctx.stage("querying the warehouse", 0.2);
  const { rows } = await ctx.query<{ n: number; max_ingested_at: string }>({
    sql: "SELECT 3 AS n, TIMESTAMP '2026-02-01 10:00:00' AS max_ingested_at",
    label: "probe",
  });
  await ctx.stage("estimating", 0.5);
  await ctx.checkCancelled();
  const v = ctx.params.value;
  const estimate: Estimate = {
    term: ctx.params.label,
    estimate: v,
    std_error: 0.5,
    ci_low: v - 1,
    ci_high: v + 1,
    p_value: 0.01,
    relative_estimate: v / 10,
  };
  return {
    estimates: [estimate],
    diagnostics: { rows: rows[0]?.n ?? 0 },
    n_obs: 42,
    warnings: ["a warning"],
    campaign: "spring",
  };
}

export interface Harness {
  deps: WorkerDeps;
  jobs: MemoryJobStore;
  dispatcher: MemoryRunDispatcher;
  warehouse: DuckDbWarehouse;
  logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
  clock: { ms: number; advance(ms: number): void };
  close(): Promise<void>;
}

export async function harness(models: Model[], config: Partial<WorkerDeps["config"]> = {}): Promise<Harness> {
  const clock = {
    ms: Date.parse("2026-03-01T12:00:00.000Z"),
    advance(ms: number) {
      clock.ms += ms;
    },
  };
  const now = () => new Date(clock.ms);
  const jobs = new MemoryJobStore(now);
  const dispatcher = new MemoryRunDispatcher();
  const warehouse = await openDuckDbWarehouse({ path: ":memory:" });
  const logs: Harness["logs"] = [];
  const log: Logger = {
    info: (message, fields) => logs.push({ level: "info", message, fields }),
    warn: (message, fields) => logs.push({ level: "warn", message, fields }),
    error: (message, fields) => logs.push({ level: "error", message, fields }),
  };
  let n = 0;
  const deps: WorkerDeps = {
    jobs,
    dispatcher,
    registry: createRegistry(models as Model[]),
    warehouse: async () => warehouse,
    log,
    config: { maxAttempts: 3, leaseMs: 60_000, ...config },
    now,
    newJobId: () => `job_${++n}`,
  };
  return { deps, jobs, dispatcher, warehouse, logs, clock, close: () => warehouse.close() };
}

export async function countRows(h: Harness, table: string, where = "TRUE"): Promise<number> {
  const { rows } = await h.warehouse.query<{ n: number }>({
    sql: `SELECT count(*) AS n FROM ${table} WHERE ${where}`,
    label: "count",
  });
  return Number(rows[0]?.n ?? 0);
}

export async function statusRows(h: Harness, jobId: string): Promise<string[]> {
  const { rows } = await h.warehouse.query<{ status: string; attempt: number }>({
    sql: "SELECT status, attempt FROM job_status WHERE job_id = $j ORDER BY attempt, CASE status WHEN 'queued' THEN 0 WHEN 'running' THEN 1 ELSE 2 END",
    params: { j: jobId },
    label: "status_rows",
  });
  return rows.map((r) => `${r.status}#${r.attempt}`);
}

/** A promise plus its resolver: lets a test hold a model mid-run. */
export function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}
