import type { Request } from "firebase-functions/v2/https";
import type { Response } from "express";
import { createApi } from "../http/app";
import type { HttpRequest } from "../http/types";
import { firebaseServices } from "../platform/firebase-services";
import { runRoutes } from "../runs/http-routes";

let api: ReturnType<typeof createApi> | undefined;

/** Adapts the Functions request to the framework-free API and writes its answer. */
export async function handleHttp(req: Request, res: Response): Promise<void> {
  api ??= createApi(firebaseServices(), [runRoutes]);
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers))
    headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  const query: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.query)) query[k] = typeof v === "string" ? v : undefined;
  const request: HttpRequest = {
    method: req.method,
    path: req.path,
    query,
    headers,
    rawBody: Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0),
  };
  const response = await api(request);
  for (const [k, v] of Object.entries(response.headers ?? {})) res.setHeader(k, v);
  res.status(response.status).json(response.body);
}
