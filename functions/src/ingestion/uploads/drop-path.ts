import { WORKSPACE_ID_PATTERN } from "../../contracts/event";

/** `drops/<workspace>/<file>`; reports written beside a file end in `.rejected.ndjson` and are not ingested. */
export const REPORT_SUFFIX = ".rejected.ndjson";

export type DropPath = { workspaceId: string; fileName: string } | null;

export function parseDropPath(objectPath: string): DropPath {
  const m = /^drops\/([^/]+)\/(.+)$/.exec(objectPath);
  if (!m) return null;
  if (!WORKSPACE_ID_PATTERN.test(m[1])) return null;
  if (m[2].endsWith(REPORT_SUFFIX)) return null;
  return { workspaceId: m[1], fileName: m[2] };
}

export function reportPathFor(objectPath: string): string {
  return objectPath + REPORT_SUFFIX;
}
