import { WORKSPACE_ID_PATTERN } from "../contracts/event";

/** The three accepted request shapes, reduced to (workspace?, events). */
export type ParsedIngestRequest =
  | { ok: true; workspaceId: string | null; events: unknown[] }
  | { ok: false; path: string | null; reason: string };

export function parseIngestRequest(body: unknown): ParsedIngestRequest {
  if (Array.isArray(body)) return { ok: true, workspaceId: null, events: body };
  if (body === null || typeof body !== "object") {
    return {
      ok: false,
      path: null,
      reason: "body must be an event, an array of events, or { events: [...] }",
    };
  }
  const obj = body as Record<string, unknown>;
  let workspaceId: string | null = null;
  if (obj.workspace_id !== undefined) {
    if (typeof obj.workspace_id !== "string" || !WORKSPACE_ID_PATTERN.test(obj.workspace_id)) {
      return { ok: false, path: "workspace_id", reason: "must be a workspace id" };
    }
    workspaceId = obj.workspace_id;
  }
  if ("events" in obj) {
    if (!Array.isArray(obj.events)) return { ok: false, path: "events", reason: "must be an array" };
    const extra = Object.keys(obj).filter((k) => k !== "events" && k !== "workspace_id");
    if (extra.length > 0) return { ok: false, path: extra[0], reason: "unknown field next to events" };
    return { ok: true, workspaceId, events: obj.events };
  }
  return { ok: true, workspaceId, events: [obj] };
}

/** The workspace a request is for: explicit, else the API key's, else the events' (which must agree). */
export function resolveWorkspace(
  parsed: { workspaceId: string | null; events: unknown[] },
  keyWorkspace: string | null,
): string | null {
  if (parsed.workspaceId) return parsed.workspaceId;
  if (keyWorkspace) return keyWorkspace;
  for (const e of parsed.events) {
    if (e && typeof e === "object" && typeof (e as Record<string, unknown>).workspace_id === "string") {
      return (e as Record<string, string>).workspace_id;
    }
  }
  return null;
}
