import type { Services } from "../services";
import { Router } from "./router";
import { eventRoutes } from "./routes/events";
import { apiKeyRoutes } from "./routes/api-keys";
import { uploadRoutes } from "./routes/uploads";
import { healthRoutes } from "./routes/health";
import { reportingRoutes } from "./routes/reporting";
import type { HttpRequest, HttpResponse } from "./types";

/** The `/v1` API: every route, on one router. Run-related routes are added by runs/ (see index). */
export function createApi(services: Services, extra: Array<(r: Router, s: Services) => void> = []) {
  const router = new Router();
  eventRoutes(router, services);
  apiKeyRoutes(router, services);
  uploadRoutes(router, services);
  healthRoutes(router, services);
  reportingRoutes(router, services);
  for (const add of extra) add(router, services);
  return (req: HttpRequest): Promise<HttpResponse> =>
    router.handle(req, (err) =>
      services.log.error("unhandled error", { err: String((err as Error)?.stack ?? err) }),
    );
}
