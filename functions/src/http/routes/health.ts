import type { Services } from "../../services";
import type { Router } from "../router";

/** GET /v1/health: is the API up and can it reach the warehouse? No auth, no data. */
export function healthRoutes(router: Router, services: Services): void {
  router.on("GET", "/v1/health", async () => {
    const started = Date.now();
    try {
      const wh = await services.warehouse();
      await wh.query({ sql: "SELECT 1 AS ok", label: "health" });
      return { status: 200, body: { ok: true, warehouse: wh.kind, warehouse_ms: Date.now() - started } };
    } catch (err) {
      return { status: 503, body: { ok: false, warehouse_error: (err as Error).message } };
    }
  });
}
