import type { EventInput } from "../contracts/event";

/**
 * A hand-written validator for the common, valid shape of an event. It is a pure accelerator for
 * `eventInputSchema.safeParse`: it returns the event when it is *certain* zod would accept it and
 * would return an equal value, and `undefined` otherwise — the caller then runs zod, so every
 * rejection keeps zod's field paths and messages. It never rejects anything by itself.
 *
 * Soundness rules (checked by test/unit/ingestion/fast-validate.test.ts over generated and mutated
 * events against zod):
 * - only plain objects (prototype Object.prototype or null) with own string keys of the schema;
 * - id fields must already be trimmed (zod's `.trim()` would change them), 1..max UTF-16 units;
 * - `undefined` values, symbol keys, non-enumerable keys, `__proto__` keys (zod's record drops
 *   them, which would change the stored JSON), cycles or nesting deeper than MAX_DEPTH: fall back;
 * - `properties` is walked (z.json(): strings, finite numbers, booleans, null, arrays, plain
 *   objects) even though JSON.parse output is always JSON: callers may pass any JS value;
 * - timestamps: zod's ISO datetime grammar (date validity incl. leap years, `T`, seconds, optional
 *   fraction, `Z` or ±hh:mm) or a safe integer in [0, 8.64e15].
 *
 * Because the accepted value has no untrimmed ids and no dropped keys, zod's output would be a
 * deep copy equal to the input, so the input object itself is returned (not copied).
 */

const MAX_DEPTH = 64;

/** The top-level keys of eventInputSchema (a strict object). */
export const EVENT_KEYS = [
  "event_id",
  "workspace_id",
  "event_name",
  "timestamp",
  "user_id",
  "anonymous_id",
  "session_id",
  "properties",
  "context",
  "revenue",
  "currency",
  "order_id",
] as const;

const TOP_KEYS = new Set<string>(EVENT_KEYS);

/** Longest accepted id fields, in UTF-16 units (the `id(max)` fields of eventInputSchema). */
export const ID_MAX = {
  event_id: 128,
  event_name: 128,
  user_id: 256,
  anonymous_id: 256,
  session_id: 256,
  order_id: 256,
} as const;

/** Longest accepted context strings (eventContextSchema). */
export const CONTEXT_MAX: Readonly<Record<string, number>> = {
  page_url: 4096,
  referrer: 4096,
  user_agent: 1024,
  utm_source: 256,
  utm_medium: 256,
  utm_campaign: 256,
  utm_term: 256,
  utm_content: 256,
};

const OBJECT_PROTO = Object.prototype;
const ARRAY_PROTO = Array.prototype;
const hasOwn = Object.prototype.hasOwnProperty;
const isEnumerable = Object.prototype.propertyIsEnumerable;

function isPlain(o: object): boolean {
  const p = Object.getPrototypeOf(o);
  return p === OBJECT_PROTO || p === null;
}

/** A string zod's `z.string().trim().min(1).max(max)` accepts unchanged. */
function isCleanId(v: unknown, max: number): v is string {
  if (typeof v !== "string") return false;
  const n = v.length;
  if (n === 0 || n > max) return false;
  // Fast common case: first and last characters are printable ASCII (not whitespace), so trim() is a no-op.
  const a = v.charCodeAt(0);
  const b = v.charCodeAt(n - 1);
  if (a > 32 && a < 127 && b > 32 && b < 127) return true;
  return v.trim() === v;
}

/** A nullish id field: absent or null is fine; `undefined` present as a value falls back. */
function okNullishId(o: Record<string, unknown>, key: string, max: number): boolean {
  if (!hasOwn.call(o, key)) return true;
  const v = o[key];
  return v === null || isCleanId(v, max);
}

function isWorkspaceId(s: string): boolean {
  // /^[a-z0-9][a-z0-9_-]{0,62}$/
  const n = s.length;
  if (n === 0 || n > 63) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const alnum = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    if (!alnum && (i === 0 || (c !== 95 && c !== 45))) return false;
  }
  return true;
}

function isLetter3(s: string): boolean {
  if (s.length !== 3) return false;
  for (let i = 0; i < 3; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (c < 97 || c > 122) return false;
  }
  return true;
}

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** Two digits as a number in [0, 99], or -1. */
function two(s: string, i: number): number {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * zod's `z.iso.datetime({ offset: true, local: false })` grammar:
 * YYYY-MM-DD "T" hh:mm:ss [.d+] ("Z" | ±hh:mm), with a valid calendar date.
 */
export function isIsoDateTime(s: string): boolean {
  const n = s.length;
  if (n < 20) return false;
  const y1 = two(s, 0);
  const y2 = two(s, 2);
  if (y1 < 0 || y2 < 0) return false;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84) return false;
  const month = two(s, 5);
  const day = two(s, 8);
  if (month < 1 || month > 12 || day < 1) return false;
  if (day > DAYS[month]) {
    const year = y1 * 100 + y2;
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (!(month === 2 && day === 29 && leap)) return false;
  }
  const hh = two(s, 11);
  const mm = two(s, 14);
  const ss = two(s, 17);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) return false;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false;
  let p = 19;
  if (s.charCodeAt(p) === 46) {
    p++;
    const start = p;
    while (p < n && digit(s, p) >= 0) p++;
    if (p === start) return false;
  }
  if (p === n - 1) return s.charCodeAt(p) === 90; // Z
  if (p !== n - 6) return false;
  const sign = s.charCodeAt(p);
  if (sign !== 43 && sign !== 45) return false;
  const oh = two(s, p + 1);
  const om = two(s, p + 4);
  return oh >= 0 && oh <= 23 && s.charCodeAt(p + 3) === 58 && om >= 0 && om <= 59;
}

/** `YYYY-MM-DDThh:mm:ss.sssZ`: exactly what `Date#toISOString` prints for years 0000–9999. */
export function isCanonicalIso(s: string): boolean {
  return s.length === 24 && s.charCodeAt(23) === 90 && s.charCodeAt(19) === 46 && digit(s, 22) >= 0;
}

/** z.json(): JSON values only; plain containers, no `__proto__` keys, bounded depth. */
function isJsonValue(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(v);
    case "object":
      if (v === null) return true;
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== ARRAY_PROTO) return false;
        for (let i = 0; i < v.length; i++) {
          if (!isJsonValue(v[i], depth + 1)) return false;
        }
        return true;
      }
      return isJsonRecord(v, depth);
    default:
      return false;
  }
}

/** z.record(z.string(), z.json()) accepting the object unchanged. */
function isJsonRecord(v: object, depth: number): boolean {
  if (!isPlain(v)) return false;
  // for…in sees own and inherited enumerable string keys (an inherited one falls back); zod's
  // Reflect.ownKeys also sees symbol keys, which it rejects: those fall back too. Non-enumerable
  // keys are skipped by zod, by for…in and by JSON.stringify alike.
  for (const k in v) {
    if (k === "__proto__" || !hasOwn.call(v, k)) return false;
    if (!isJsonValue((v as Record<string, unknown>)[k], depth + 1)) return false;
  }
  return Object.getOwnPropertySymbols(v).length === 0;
}

function isContext(v: unknown): boolean {
  if (typeof v !== "object" || v === null || Array.isArray(v) || !isPlain(v)) return false;
  const keys = Reflect.ownKeys(v);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (typeof k !== "string" || !isEnumerable.call(v, k)) return false;
    const max = CONTEXT_MAX[k];
    if (max === undefined || !hasOwn.call(CONTEXT_MAX, k)) return false;
    const s = (v as Record<string, unknown>)[k];
    if (typeof s !== "string" || s.length > max) return false;
  }
  // Inherited enumerable keys (a polluted prototype) would be seen by zod's `for…in`: let zod decide.
  for (const k in v) if (!hasOwn.call(v, k)) return false;
  return true;
}

/**
 * The event as zod would output it, when the fast path is sure zod accepts `raw`; otherwise undefined.
 */
export function fastValidateEvent(raw: unknown): EventInput | undefined {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw) || !isPlain(raw)) return undefined;
  const o = raw as Record<string, unknown>;
  for (const k in o) {
    if (!TOP_KEYS.has(k) || !hasOwn.call(o, k) || o[k] === undefined) return undefined;
  }
  if (Object.getOwnPropertySymbols(o).length > 0) return undefined;

  if (!isCleanId(o.event_name, ID_MAX.event_name)) return undefined;
  const ts = o.timestamp;
  if (typeof ts === "string") {
    if (!isIsoDateTime(ts)) return undefined;
  } else if (typeof ts === "number") {
    if (!Number.isSafeInteger(ts) || ts < 0 || ts > 8.64e15) return undefined;
  } else return undefined;

  if (hasOwn.call(o, "event_id") && !isCleanId(o.event_id, ID_MAX.event_id)) return undefined;
  if (hasOwn.call(o, "workspace_id")) {
    const w = o.workspace_id;
    if (typeof w !== "string" || !isWorkspaceId(w)) return undefined;
  }
  if (!okNullishId(o, "user_id", ID_MAX.user_id) || !okNullishId(o, "anonymous_id", ID_MAX.anonymous_id))
    return undefined;
  if (!okNullishId(o, "session_id", ID_MAX.session_id) || !okNullishId(o, "order_id", ID_MAX.order_id))
    return undefined;
  // superRefine: user_id or anonymous_id (both already non-empty when present).
  if (o.user_id == null && o.anonymous_id == null) return undefined;

  if (hasOwn.call(o, "properties") && !isPropertiesRecord(o.properties)) return undefined;
  if (hasOwn.call(o, "context") && !isContext(o.context)) return undefined;

  const revenue = o.revenue;
  const currency = o.currency;
  if (currency != null && (typeof currency !== "string" || !isLetter3(currency))) return undefined;
  if (revenue != null) {
    if (typeof revenue !== "number" || !Number.isFinite(revenue)) return undefined;
    if (currency == null) return undefined; // superRefine: currency required with revenue
  }
  return o as unknown as EventInput;
}

function isPropertiesRecord(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && isJsonRecord(v, 0);
}
