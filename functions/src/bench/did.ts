/**
 * `npm run bench -- did`: the DID model on panels generated inside DuckDB with range():
 *  - 1,000,000 units × 2 periods, 2×2 design, CR1 by unit (1M clusters);
 *  - 100,000 units × 20 periods, TWFE (balanced two-way within), CR1 by unit;
 *  - the same 100,000 × 20 panel with 10% of rows removed (unbalanced: FWL time-effect path).
 * Prints request→result wall time split into warehouse time (the model's SQL, summed per query)
 * and client estimation time (solving, covariance, inference), and the process's peak RSS.
 * Not a test: figures depend on the machine.
 */
import type { QueryResult, Row, SqlQuery } from "../warehouse/warehouse";
import { openDuckDbWarehouse } from "../warehouse/duckdb";
import { runDidOnWarehouse } from "../models/did";

interface Timed {
  label: string;
  ms: number;
}

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export async function benchDid(): Promise<void> {
  const wh = await openDuckDbWarehouse({ path: ":memory:" });
  const log: Timed[] = [];
  const metered = {
    kind: wh.kind,
    dialect: wh.dialect,
    async query<T = Row>(q: SqlQuery): Promise<QueryResult<T>> {
      const t0 = performance.now();
      const res = await wh.query<T>(q);
      log.push({ label: q.label, ms: performance.now() - t0 });
      return res;
    },
  };
  try {
    const gen0 = performance.now();
    // y = unit effect + period effect + 2·D + noise; treated: every other unit.
    await wh.exec(
      `CREATE TABLE bench_2x2 AS SELECT i AS unit, p AS t, CAST(i % 2 AS INTEGER) AS treated, CAST(p AS INTEGER) AS post,
         (hash(i) % 1000) / 100.0 + 0.5 * p + 2.0 * (i % 2) * p + random() AS y
       FROM range(1000000) r(i), range(2) q(p)`,
    );
    await wh.exec(
      `CREATE TABLE bench_twfe AS SELECT i AS unit, p AS t, CAST(i % 3 = 0 AS INTEGER) AS treated, CAST(p >= 10 AS INTEGER) AS post,
         (hash(i) % 1000) / 100.0 + 0.1 * p + 1.5 * CAST(i % 3 = 0 AND p >= 10 AS INTEGER) + random() AS y
       FROM range(100000) r(i), range(20) q(p)`,
    );
    await wh.exec(`CREATE TABLE bench_unbal AS SELECT * FROM bench_twfe WHERE hash(unit * 31 + t) % 10 <> 0`);
    const genMs = performance.now() - gen0;
    console.log(`did bench: generated 2M + 2M + 1.8M rows in DuckDB in ${genMs.toFixed(0)} ms`);

    const cases = [
      {
        name: "2x2, 1,000,000 units x 2 periods, CR1 by unit",
        params: {
          source: {
            kind: "table",
            table: "bench_2x2",
            outcome: "y",
            treated: "treated",
            post: "post",
            unit: "unit",
          },
          design: "2x2",
        },
      },
      {
        name: "TWFE, 100,000 units x 20 periods (balanced), CR1 by unit",
        params: {
          source: {
            kind: "table",
            table: "bench_twfe",
            outcome: "y",
            treated: "treated",
            post: "post",
            unit: "unit",
            time: "t",
          },
        },
      },
      {
        name: "TWFE, 100,000 units x 20 periods minus 10% (unbalanced, FWL), CR1 by unit",
        params: {
          source: {
            kind: "table",
            table: "bench_unbal",
            outcome: "y",
            treated: "treated",
            post: "post",
            unit: "unit",
            time: "t",
          },
        },
      },
    ];
    for (const c of cases) {
      log.length = 0;
      const t0 = performance.now();
      const out = await runDidOnWarehouse(metered, c.params);
      const total = performance.now() - t0;
      const timing = out.diagnostics.timing_ms as { warehouse: number; compute: number };
      const att = out.estimates.find((e) => e.term === "att");
      const queries = log.map((l) => `${l.label} ${l.ms.toFixed(0)}`).join(", ");
      console.log(`\n${c.name}`);
      console.log(
        `  att = ${att?.estimate.toFixed(4)} (se ${att?.std_error?.toExponential(3)}), n = ${out.n_obs}`,
      );
      console.log(
        `  request->result ${total.toFixed(0)} ms = warehouse ${timing.warehouse.toFixed(0)} ms + estimation ${timing.compute.toFixed(2)} ms + glue`,
      );
      console.log(`  queries (ms): ${queries}`);
      console.log(`  peak RSS so far ${peakRssMb().toFixed(0)} MB`);
    }
  } finally {
    await wh.close();
  }
}
