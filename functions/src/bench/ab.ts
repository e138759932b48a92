/**
 * `npm run bench -- ab`: the ab model on 10,000,000 units in two arms with a pre-period covariate,
 * generated inside DuckDB by SQL. Prints request → result time split into warehouse time (the
 * model's SQL) and statistics time (everything the function computes from the sufficient
 * statistics), peak RSS during the run (flat in units: the function sees 2 rows per query), and
 * the whole CLI run (`cfap analyze ab` in-process: CSV load + analysis) on the same data as a CSV,
 * next to pandas + scipy (Welch + CUPED) on that CSV when /usr/bin/python3 has them. CPU time
 * (DuckDB's threads included) is printed too: on a shared machine it moves less than wall time.
 * Not a test: figures depend on the machine.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeAb } from "../cli/commands/analyze-ab";
import { runAb } from "../models/ab/analyze";
import { abParamsSchema } from "../models/ab/params";
import { armMomentsKeyedQuery, armMomentsQuery, unitsSql } from "../models/ab/sql";
import { armStatesKeyedQuery } from "../models/ab/states";
import type { ModelContext } from "../models/model";
import { openDuckDbWarehouse } from "../warehouse/duckdb";
import { mib, PeakMemory } from "./memory";

const UNITS = 10_000_000;

const PANDAS_SCIPY = `
import sys, time
t0 = time.time()
import numpy as np, pandas as pd
from scipy import stats
df = pd.read_csv(sys.argv[1])
t1 = time.time()
x = df.pre_revenue.fillna(df.pre_revenue.mean()).values
y = df.revenue.values
theta = np.cov(x, y)[0, 1] / np.var(x, ddof=1)
yadj = y - theta * (x - x.mean())
m = (df.variant == "treatment").values
r1 = stats.ttest_ind(y[m], y[~m], equal_var=False)
r2 = stats.ttest_ind(yadj[m], yadj[~m], equal_var=False)
t2 = time.time()
print(f"pandas read_csv {1000*(t1-t0):.0f} ms, Welch + CUPED {1000*(t2-t1):.0f} ms, p={r2.pvalue:.4g}")
`;

/**
 * Where the units live: "file" (default) is the product's warehouse, a DuckDB file — written,
 * checkpointed and reopened, as a warehouse that ingested the data earlier is; "memory" is an
 * in-memory DuckDB (the CLI's kind: a CSV loaded for one run).
 */
const WAREHOUSE = process.env.AB_BENCH_WAREHOUSE === "memory" ? "memory" : "file";

export async function benchAb(): Promise<void> {
  const dbDir = mkdtempSync(join(tmpdir(), "cfap-bench-ab-db-"));
  const dbPath = WAREHOUSE === "file" ? join(dbDir, "bench.duckdb") : ":memory:";
  let wh = await openDuckDbWarehouse({ path: dbPath });
  const csv = join(tmpdir(), `cfap-bench-ab-${process.pid}.csv`);
  try {
    const g0 = performance.now();
    await wh.exec(`SELECT setseed(0.42)`);
    // x: pre-period revenue (10% of units without one), y = 0.6·x + noise + 0.05 in treatment.
    await wh.exec(
      `CREATE TABLE bench_ab AS
       SELECT i AS unit, CASE WHEN i % 2 = 0 THEN 'control' ELSE 'treatment' END AS variant,
              CASE WHEN random() < 0.9 THEN x END AS pre_revenue,
              0.6 * x + 10 * random() + 0.05 * (i % 2) AS revenue
       FROM (SELECT i, 20 * random() + 10 * random() AS x FROM range(${UNITS}) r(i))`,
    );
    if (WAREHOUSE === "file") {
      await wh.exec("CHECKPOINT");
      await wh.close();
      wh = await openDuckDbWarehouse({ path: dbPath });
    }
    console.log(
      `ab bench: generated ${UNITS.toLocaleString("en-US")} units in DuckDB in ${(performance.now() - g0).toFixed(0)} ms; ` +
        (WAREHOUSE === "file"
          ? "warehouse: a DuckDB file, checkpointed and reopened (AB_BENCH_WAREHOUSE=memory for in-memory)"
          : "warehouse: in-memory DuckDB"),
    );

    const params = abParamsSchema.parse({
      source: {
        kind: "table",
        table: "bench_ab",
        variant: "variant",
        outcome: "revenue",
        covariate: "pre_revenue",
      },
      control: "control",
    });
    const ctx: ModelContext<typeof params> = {
      workspaceId: "bench",
      params,
      warehouse: { dialect: wh.dialect, kind: wh.kind },
      query: (q) => wh.query(q),
      stage: async () => undefined,
      checkCancelled: async () => undefined,
    };
    let last: Awaited<ReturnType<typeof runAb>> | null = null;
    for (let rep = 0; rep < 3; rep++) {
      const mem = new PeakMemory();
      const rss0 = process.memoryUsage().rss;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const out = await runAb(ctx);
      const total = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const peak = mem.stop();
      last = out;
      const timing = out.diagnostics.timing as { warehouse_ms: number; statistics_ms: number };
      const e = out.estimates[0];
      console.log(
        `  run ${rep + 1}: request→result ${total.toFixed(0)} ms = warehouse ${timing.warehouse_ms.toFixed(1)} ms + statistics ${timing.statistics_ms.toFixed(2)} ms ` +
          `(CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, all threads); ` +
          `RSS ${mib(rss0)} → peak ${mib(peak)}; lift ${e.estimate.toFixed(4)} (p ${Number(e.p_value).toPrecision(3)}), ` +
          `CUPED variance reduction ${((out.diagnostics.cuped as { variance_reduction: number }).variance_reduction * 100).toFixed(1)}%`,
      );
    }

    if (last) {
      // Full precision, to check that a change of the SQL leaves the numbers alone.
      const e = last.estimates[0];
      const c = last.diagnostics.cuped as { theta: number; variance_reduction: number };
      const f = (x: unknown) => Number(x).toPrecision(17);
      console.log(
        `  estimates: lift ${f(e.estimate)}, se ${f(e.std_error)}, p ${f(e.p_value)}, ` +
          `θ ${f(c.theta)}, variance reduction ${f(c.variance_reduction)}`,
      );
    }

    // The same pass from plain sums (states.ts's fallback), and keyed by the arm's string (the
    // path for events sources, BigQuery, many arms).
    const units = unitsSql(params, wh.dialect, "bench", null);
    const shape = { ratio: false, covariate: true, proportion: false };
    const passes = {
      "keyed, states": armStatesKeyedQuery(units, wh.dialect, shape, ["control", "treatment"]),
      "keyed, plain sums": armMomentsKeyedQuery(units, wh.dialect, shape, ["control", "treatment"]),
      "keyed by the arm's string (GROUP BY v)": armMomentsQuery(units, wh.dialect, shape),
    };
    for (const [name, query] of Object.entries(passes)) {
      const ms: number[] = [];
      for (let rep = 0; rep < 3; rep++) {
        const s0 = performance.now();
        await wh.query(query);
        ms.push(performance.now() - s0);
      }
      console.log(`  for comparison, the arm pass ${name}: ${ms.map((x) => x.toFixed(0)).join(", ")} ms`);
    }

    const w0 = performance.now();
    await wh.exec(`COPY bench_ab TO '${csv}' (HEADER, DELIMITER ',')`);
    console.log(`  wrote ${mib(statSync(csv).size)} CSV in ${(performance.now() - w0).toFixed(0)} ms`);
    await wh.close();

    const log = console.log;
    const c0 = performance.now();
    console.log = () => undefined;
    try {
      await analyzeAb([
        "--data",
        csv,
        "--variant",
        "variant",
        "--control",
        "control",
        "--outcome",
        "revenue",
        "--covariate",
        "pre_revenue",
      ]);
    } finally {
      console.log = log;
    }
    console.log(
      `  CLI (cfap analyze ab, CSV load + Welch + CUPED), in-process: ${(performance.now() - c0).toFixed(0)} ms`,
    );

    if (existsSync("/usr/bin/python3")) {
      const script = join(tmpdir(), `cfap-bench-ab-${process.pid}.py`);
      writeFileSync(script, PANDAS_SCIPY);
      const p0 = performance.now();
      const r = spawnSync("/usr/bin/python3", [script, csv], { encoding: "utf8" });
      const ms = performance.now() - p0;
      rmSync(script, { force: true });
      if (r.status === 0)
        console.log(`  pandas + scipy whole process: ${ms.toFixed(0)} ms (${r.stdout.trim()})`);
      else console.log(`  pandas + scipy unavailable: ${r.stderr.split("\n").slice(-2).join(" ")}`);
    }
  } finally {
    rmSync(csv, { force: true });
    await wh.close().catch(() => undefined);
    rmSync(dbDir, { recursive: true, force: true });
  }
}
