import { uploadUrlRequestSchema } from "../../contracts/api";
import type { Services } from "../../services";
import { readJson, validate } from "../body";
import type { Router } from "../router";
import { requirePrincipal, requireWorkspace } from "./principal";

/** POST /v1/uploads: a short-lived URL to PUT a file under drops/<workspace>/, which the drop trigger ingests. */
export function uploadRoutes(router: Router, services: Services): void {
  router.on("POST", "/v1/uploads", async (req) => {
    const principal = await requirePrincipal(req, services);
    const body = validate(uploadUrlRequestSchema, readJson(req, 16_384));
    await requireWorkspace(principal, body.workspace_id, services);
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const objectPath = `drops/${body.workspace_id}/${stamp}-${body.filename}`;
    const contentType =
      body.content_type ??
      (/\.gz$/i.test(body.filename)
        ? "application/gzip"
        : /\.csv/i.test(body.filename)
          ? "text/csv"
          : "application/x-ndjson");
    const expiresAt = new Date(Date.now() + 15 * 60_000);
    const signed = await services.uploadUrls.signedPutUrl(objectPath, contentType, expiresAt);
    return {
      status: 201,
      body: {
        upload_url: signed.url,
        method: "PUT",
        object_path: objectPath,
        headers: signed.headers,
        expires_at: expiresAt.toISOString(),
      },
    };
  });
}
