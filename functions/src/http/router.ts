import { apiError, HttpError } from "./errors";
import type { HttpRequest, HttpResponse } from "./types";

export type Handler = (req: HttpRequest, params: Record<string, string>) => Promise<HttpResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

/** A tiny router: "/v1/analysis/:job/cancel" style patterns, 404 / 405 answered in the API's error shape. */
export class Router {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const pattern = new RegExp(
      "^" +
        path.replace(/:([a-zA-Z_]+)/g, (_, k: string) => {
          keys.push(k);
          return "([^/]+)";
        }) +
        "/?$",
    );
    this.routes.push({ method, pattern, keys, handler });
    return this;
  }

  async handle(req: HttpRequest, onUnexpected: (err: unknown) => void): Promise<HttpResponse> {
    const matching = this.routes.filter((r) => r.pattern.test(req.path));
    if (matching.length === 0) return apiError(404, "not_found", `no route for ${req.path}`);
    const route = matching.find((r) => r.method === req.method);
    if (!route) {
      return {
        ...apiError(405, "bad_request", `${req.method} is not allowed on ${req.path}`),
        headers: { allow: matching.map((r) => r.method).join(", ") },
      };
    }
    const m = route.pattern.exec(req.path)!;
    const params: Record<string, string> = {};
    route.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1])));
    try {
      return await route.handler(req, params);
    } catch (err) {
      if (err instanceof HttpError) return err.response;
      onUnexpected(err);
      return apiError(500, "internal", "something went wrong on our side; the error was logged");
    }
  }
}
