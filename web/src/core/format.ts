/** Display helpers: numbers, signs, dates and durations. */

const MINUS = "\u2212";

/** A readable number: 0 decimals from 100, 1 decimal from 1, two significant digits below. */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  const abs = Math.abs(x);
  let s: string;
  if (abs === 0) s = "0";
  else if (abs >= 100) s = Math.round(abs).toLocaleString("en-US");
  else if (abs >= 1) s = abs.toFixed(1);
  else s = String(Number(abs.toPrecision(2)));
  return x < 0 && s !== "0" && Number(s.replace(/,/g, "")) !== 0 ? MINUS + s : s;
}

/** A count: whole numbers as "1,234"; anything else as formatNumber. */
export function formatCount(x: number | null | undefined): string {
  if (typeof x === "number" && Number.isInteger(x)) return x.toLocaleString("en-US");
  return formatNumber(x);
}

/** Like formatNumber with an explicit "+" on positive values (for effects). */
export function formatSigned(x: number | null | undefined): string {
  const s = formatNumber(x);
  return x !== null && x !== undefined && Number.isFinite(x) && x > 0 && s !== "0" ? `+${s}` : s;
}

/** p-values: "< 0.001" below a thousandth, else three decimals. */
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return "—";
  if (p < 0.001) return "< 0.001";
  return p.toFixed(3);
}

/** A percentage for a 0..1 share ("95%", "99.5%"). */
export function formatPercent(share: number): string {
  const pct = share * 100;
  return `${Number(pct.toFixed(1))}%`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** "2 min 5 s", "850 ms", "1 h 3 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** Elapsed time of a run: start (or creation) to finish, or to `now` while it runs. */
export function runDuration(
  job: { created_at: string; started_at: string | null; finished_at: string | null },
  now: number = Date.now(),
): number | null {
  const start = Date.parse(job.started_at ?? job.created_at);
  if (Number.isNaN(start)) return null;
  const end = job.finished_at ? Date.parse(job.finished_at) : now;
  return Number.isNaN(end) ? null : Math.max(0, end - start);
}
