import { demoApiKey } from "../demo/seed-firebase";
import { RemoteDuckDbWarehouse } from "../warehouse/remote/remote-warehouse";

/**
 * `npm run bench -- http`: events/s through the HTTP API on a running local stack (`npm start` in another
 * terminal): POST /v1/events in batches with the demo API key, then wait until the warehouse writer has
 * landed every row. Skips with a message when no stack is running.
 */
export async function benchHttp(): Promise<void> {
  const api = process.env.CFAP_BENCH_API_URL ?? "http://127.0.0.1:5001/demo-cfap/us-central1/api";
  const warehouseUrl = process.env.CFAP_WAREHOUSE_URL ?? "http://127.0.0.1:8765";
  const total = Number(process.env.CFAP_BENCH_HTTP_EVENTS ?? 20_000);
  const batch = 500;
  const concurrency = 4;
  try {
    const health = await fetch(`${api}/v1/health`);
    if (!health.ok) throw new Error(String(health.status));
  } catch {
    console.log(`http: no local stack at ${api} (start one with npm start); skipped`);
    return;
  }
  const key = demoApiKey("demo");
  const run = `bench-${Date.now()}`;
  const now = Date.now() - 60_000;
  const batches: unknown[][] = [];
  for (let i = 0; i < total; i += batch) {
    batches.push(
      Array.from({ length: Math.min(batch, total - i) }, (_, j) => ({
        event_id: `${run}-${i + j}`,
        event_name: "page_view",
        timestamp: new Date(now - ((i + j) % 3600) * 1000).toISOString(),
        user_id: `u${(i + j) % 5000}`,
        properties: { geo: `geo_${(i + j) % 20}`, cart: { items: (i + j) % 5 } },
        context: { utm_source: "google", utm_medium: "cpc", utm_campaign: "bench" },
      })),
    );
  }
  const started = performance.now();
  let accepted = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) {
        const events = batches[next++];
        const res = await fetch(`${api}/v1/events`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": key },
          body: JSON.stringify({ workspace_id: "demo", events }),
        });
        const body = (await res.json()) as { accepted?: number };
        accepted += body.accepted ?? 0;
      }
    }),
  );
  const acceptedSec = (performance.now() - started) / 1000;
  const warehouse = new RemoteDuckDbWarehouse(warehouseUrl);
  let landed = 0;
  while (landed < accepted && performance.now() - started < 300_000) {
    const { rows } = await warehouse.query<{ n: number }>({
      label: "bench_http_landed",
      sql: "SELECT COUNT(*) AS n FROM standard_events WHERE workspace_id = 'demo' AND event_id LIKE $p",
      params: { p: `${run}-%` },
    });
    landed = Number(rows[0].n);
    if (landed < accepted) await new Promise((r) => setTimeout(r, 250));
  }
  const landedSec = (performance.now() - started) / 1000;
  console.log(
    `http: ${total.toLocaleString("en-US")} events in batches of ${batch}, ${concurrency} concurrent requests`,
  );
  console.log(
    `  accepted (202) rate:        ${Math.round(accepted / acceptedSec).toLocaleString("en-US")} events/s`,
  );
  console.log(
    `  landed in the warehouse:    ${landed.toLocaleString("en-US")} rows, ${Math.round(landed / landedSec).toLocaleString("en-US")} events/s end to end`,
  );
}
