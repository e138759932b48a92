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

type Issue = z.core.$ZodIssue;

/**
 * Replaces each union failure by the issues of the alternative that came closest (fewest issues): for
 * `{ source: { kind: "events" }, period: "fortnight" }` that is "period: invalid option", not zod's bare
 * "Invalid input" at the root.
 */
function expandUnions(issues: readonly Issue[], prefix: readonly PropertyKey[] = []): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      // A branch that misses fields the input doesn't have was probably not the one meant: weigh those more.
      const score = (errs: readonly Issue[]) =>
        errs.reduce(
          (n, e) => n + (e.code === "invalid_type" && /received undefined$/.test(e.message) ? 1.5 : 1),
          0,
        );
      const best = [...issue.errors].sort((a, b) => score(a) - score(b))[0];
      if (best.length > 0) {
        out.push(...expandUnions(best, path));
        continue;
      }
    }
    out.push({ ...issue, path } as Issue);
  }
  return out;
}

/** The first issue of a failed parse as { path, reason }: one clear reason per rejected event. */
export function firstIssue(error: z.ZodError): { path: string | null; reason: string } {
  const issue = expandUnions(error.issues)[0];
  if (!issue) return { path: null, reason: "invalid" };
  return { path: issuePath(issue.path), reason: describe(issue) };
}

/** All issues, for 400 responses on request-level validation. */
export function allIssues(error: z.ZodError): Array<{ path: string | null; reason: string }> {
  return expandUnions(error.issues).map((i) => ({ path: issuePath(i.path), reason: describe(i) }));
}
