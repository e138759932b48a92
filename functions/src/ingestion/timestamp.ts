/**
 * Event time: parsed to UTC, and kept inside a bounded window around the time CFAP receives it.
 * A client clock a few minutes fast is tolerated (maxFutureSkewMs); anything further ahead, or older
 * than maxAgeMs, is refused rather than silently landing in a far partition.
 */
export interface TimeWindow {
  maxFutureSkewMs: number;
  maxAgeMs: number;
}

export type TimestampResult = { ok: true; iso: string; ms: number } | { ok: false; reason: string };

export function normaliseTimestamp(
  input: string | number,
  receivedAtMs: number,
  window: TimeWindow,
): TimestampResult {
  const ms = typeof input === "number" ? input : Date.parse(input);
  if (!Number.isFinite(ms)) return { ok: false, reason: "not a valid timestamp" };
  if (ms > receivedAtMs + window.maxFutureSkewMs) {
    return {
      ok: false,
      reason: `is ${Math.round((ms - receivedAtMs) / 1000)} s in the future (allowed clock skew: ${window.maxFutureSkewMs / 1000} s)`,
    };
  }
  if (ms < receivedAtMs - window.maxAgeMs) {
    return { ok: false, reason: `is older than ${Math.round(window.maxAgeMs / 86_400_000)} days` };
  }
  return { ok: true, iso: new Date(ms).toISOString(), ms };
}
