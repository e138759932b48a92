import type { z } from "zod";

/** Dotted path of a zod issue ("context.utm_source", "events.3.timestamp"). */
export function issuePath(path: readonly PropertyKey[]): string | null {
  return path.length === 0 ? null : path.map((p) => String(p)).join(".");
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown field(s): ${issue.keys.join(", ")}`;
  if (issue.code === "invalid_type") {
    // zod 4 does not report the input by default; its message names what it received.
    if (/received undefined$/.test(issue.message)) return "is required";
    return issue.message.replace(/^Invalid input: /, "");
  }
  return issue.message;
}

/** The first issue of a failed parse as { path, reason }: one clear reason per rejected event. */
export function firstIssue(error: z.ZodError): { path: string | null; reason: string } {
  const issue = error.issues[0];
  if (!issue) return { path: null, reason: "invalid" };
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    // Report the alternative that got furthest (for timestamps: the ISO string branch).
    const inner = issue.errors.flat()[0];
    if (inner) return { path: issuePath([...issue.path, ...inner.path]), reason: describe(inner) };
  }
  return { path: issuePath(issue.path), reason: describe(issue) };
}

/** All issues, for 400 responses on request-level validation. */
export function allIssues(error: z.ZodError): Array<{ path: string | null; reason: string }> {
  return error.issues.map((i) => ({ path: issuePath(i.path), reason: describe(i) }));
}
