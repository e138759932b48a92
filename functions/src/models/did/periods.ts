/**
 * Integer period indices shared by the SQL (which computes them from event_ts) and TypeScript
 * (which computes them from the ISO dates in the params). Both sides must agree exactly.
 *
 *   day:   whole days since 1970-01-01 UTC
 *   week:  weeks starting on Monday: floor((day + 3) / 7) (1970-01-01 was a Thursday)
 *   month: (year − 1970) · 12 + month − 1
 *
 * Weeks are computed from the day index, not with TIMESTAMP_TRUNC(…, WEEK), because BigQuery's
 * weeks start on Sunday and DuckDB's on Monday.
 */
import type { Dialect } from "../../warehouse/sql/dialect";

export type PeriodUnit = "day" | "week" | "month";

const DAY_MS = 86_400_000;

function parseIsoDate(iso: string): { y: number; m: number; d: number } {
  const [y, m, d] = iso.split("-").map(Number);
  return { y, m, d };
}

export function dayIndex(iso: string): number {
  const { y, m, d } = parseIsoDate(iso);
  return Math.floor(Date.UTC(y, m - 1, d) / DAY_MS);
}

export function periodIndex(iso: string, unit: PeriodUnit): number {
  switch (unit) {
    case "day":
      return dayIndex(iso);
    case "week":
      return Math.floor((dayIndex(iso) + 3) / 7);
    case "month": {
      const { y, m } = parseIsoDate(iso);
      return (y - 1970) * 12 + m - 1;
    }
  }
}

/** The first day of a period, as an ISO date (months as YYYY-MM). */
export function periodLabel(index: number, unit: PeriodUnit): string {
  switch (unit) {
    case "day":
      return new Date(index * DAY_MS).toISOString().slice(0, 10);
    case "week":
      return new Date((index * 7 - 3) * DAY_MS).toISOString().slice(0, 10);
    case "month": {
      const y = 1970 + Math.floor(index / 12);
      const m = (((index % 12) + 12) % 12) + 1;
      return `${y}-${String(m).padStart(2, "0")}`;
    }
  }
}

/** The day after an ISO date (for an exclusive upper bound on event_ts). */
export function nextDay(iso: string): string {
  return new Date((dayIndex(iso) + 1) * DAY_MS).toISOString().slice(0, 10);
}

/** SQL for the period index of a TIMESTAMP expression, as a 64-bit integer. */
export function periodIndexSql(dialect: Dialect, ts: string, unit: PeriodUnit): string {
  const days = dialect.dateDiffDays("TIMESTAMP '1970-01-01 00:00:00'", ts);
  switch (unit) {
    case "day":
      return dialect.toInt(days);
    case "week":
      return dialect.toInt(`FLOOR((${days} + 3) / 7)`);
    case "month":
      return dialect.toInt(`(EXTRACT(YEAR FROM ${ts}) - 1970) * 12 + EXTRACT(MONTH FROM ${ts}) - 1`);
  }
}
