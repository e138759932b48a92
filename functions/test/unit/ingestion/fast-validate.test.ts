import { describe, expect, it } from "vitest";
import { z } from "zod";
import { eventContextSchema, eventInputSchema } from "../../../src/contracts/event";
import { canonicalJson } from "../../../src/ingestion/canonical-json";
import {
  CONTEXT_MAX,
  EVENT_KEYS,
  ID_MAX,
  fastValidateEvent,
  isCanonicalIso,
  isIsoDateTime,
} from "../../../src/ingestion/fast-validate";

/** Deterministic PRNG (mulberry32) so a failure is reproducible. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const zodIso = z.iso.datetime({ offset: true, local: false });

function cyclic(): Record<string, unknown> {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
}
function deep(n: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = { x: v };
  return v;
}
function withSymbol(): Record<string | symbol, unknown> {
  return { a: 1, [Symbol("s")]: 2 };
}
function nonEnumerable(): Record<string, unknown> {
  const o: Record<string, unknown> = { a: 1 };
  Object.defineProperty(o, "hidden", { value: 2, enumerable: false });
  return o;
}
class Klass {
  a = 1;
}

/** Values that probe every check of the schema. Functions build fresh objects each time. */
const TRICKY: Array<() => unknown> = [
  () => undefined,
  () => null,
  () => "",
  () => " ",
  () => "x",
  () => " x",
  () => "x ",
  () => "\u00a0x",
  () => "x\ufeff",
  () => "x\n",
  () => "Purchase Completed",
  () => "a".repeat(63),
  () => "a".repeat(64),
  () => "a".repeat(128),
  () => "a".repeat(129),
  () => "a".repeat(256),
  () => "a".repeat(257),
  () => "a".repeat(1024),
  () => "a".repeat(1025),
  () => "a".repeat(4096),
  () => "a".repeat(4097),
  () => "ws-1",
  () => "WS",
  () => "_ws",
  () => "ws_1-2",
  () => "usd",
  () => "USD",
  () => "US",
  () => "USDX",
  () => "U$D",
  () => "ÜSD",
  () => 0,
  () => -0,
  () => -1,
  () => 1.5,
  () => 1e15,
  () => 8.64e15,
  () => 8.64e15 + 2,
  () => Number.MAX_SAFE_INTEGER,
  () => NaN,
  () => Infinity,
  () => -Infinity,
  () => 12.5,
  () => true,
  () => false,
  () => [],
  () => [1, "a", null, { b: [true] }],
  () => [1, undefined],
  // eslint-disable-next-line no-sparse-arrays
  () => [1, , 3],
  () => ({}),
  () => ({ a: 1, b: { c: [1, 2, { d: null }] } }),
  () => ({ a: undefined }),
  () => ({ a: NaN }),
  () => ({ a: () => 1 }),
  () => ({ a: new Date(0) }),
  () => ({ a: 1n }),
  () => ({ a: Symbol("x") }),
  () => JSON.parse('{"__proto__": {"polluted": 1}, "a": 1}'),
  () => JSON.parse('{"a": {"__proto__": 1}}'),
  () => ({ constructor: "x" }),
  () => ({ constructor: { prototype: 1 } }),
  () => Object.assign(Object.create(null), { a: 1 }),
  () => new Klass(),
  () => new Date(0),
  () => new Map(),
  () => cyclic(),
  () => deep(10),
  () => deep(200),
  () => withSymbol(),
  () => nonEnumerable(),
  () => ({ page_url: "https://x.example/?gclid=1" }),
  () => ({ utm_source: "google", utm_medium: "cpc" }),
  () => ({ utm_source: 1 }),
  () => ({ utm_term: "a".repeat(257) }),
  () => ({ page_url: "a".repeat(4097) }),
  () => ({ user_agent: undefined }),
  () => ({ unknown: "x" }),
  () => ({ constructor: "x" }),
  () => "2026-01-02T03:04:05.678Z",
  () => "2026-01-02T03:04:05Z",
  () => "2026-01-02T03:04:05.1+05:30",
  () => "2026-01-02T03:04:05.123456789-23:59",
  () => "2026-01-02T03:04:05",
  () => "2026-01-02T03:04Z",
  () => "2026-01-02 03:04:05Z",
  () => "2026-01-02t03:04:05z",
  () => "2024-02-29T00:00:00Z",
  () => "2023-02-29T00:00:00Z",
  () => "1900-02-29T00:00:00Z",
  () => "2000-02-29T00:00:00Z",
  () => "2026-04-31T00:00:00Z",
  () => "2026-13-01T00:00:00Z",
  () => "2026-01-02T24:00:00Z",
  () => "2026-01-02T03:04:05.Z",
  () => "2026-01-02T03:04:05+24:00",
  () => "2026-01-02T03:04:05+0530",
  () => "0000-01-01T00:00:00.000Z",
  () => "+02026-01-02T03:04:05Z",
  () => "２０２６-01-02T03:04:05Z",
];

const NAMES = ["page_view", "purchase", "Order Completed", "signUp", "add_to_cart"];

function validEvent(r: () => number, i: number): Record<string, unknown> {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const e: Record<string, unknown> = {
    event_name: pick(NAMES),
    timestamp:
      r() < 0.8
        ? new Date(1_700_000_000_000 + Math.floor(r() * 1e10)).toISOString()
        : 1_700_000_000_000 + Math.floor(r() * 1e10),
  };
  if (r() < 0.7) e.event_id = `evt-${i}`;
  if (r() < 0.3) e.workspace_id = "ws1";
  if (r() < 0.8) e.user_id = `user_${i % 100}`;
  if (r() < 0.5 || e.user_id === undefined) e.anonymous_id = `anon-${i}`;
  if (r() < 0.6) e.session_id = `s_${i % 17}`;
  if (r() < 0.7)
    e.properties = { geo: `geo_${i % 20}`, cart: { items: i % 5, sku: [`sku-${i}`, null, true, 1.25] } };
  if (r() < 0.7) {
    e.context = { page_url: "https://shop.example.com/p?x=1", referrer: "https://www.google.com/" };
    if (r() < 0.5)
      Object.assign(e.context as object, { utm_source: "google", utm_medium: "cpc", utm_campaign: "brand" });
  }
  if (r() < 0.2) {
    e.revenue = Math.round(r() * 10000) / 100;
    e.currency = pick(["USD", "eur", "Gbp"]);
  }
  if (r() < 0.1) e.order_id = `o-${i}`;
  if (r() < 0.1) {
    e.user_id = null;
    e.anonymous_id ??= `anon-${i}`;
  }
  return e;
}

const FIELDS = [...EVENT_KEYS, "extra", "__proto__"];

function mutate(e: Record<string, unknown>, r: () => number): Record<string, unknown> {
  const out: Record<string, unknown> = JSON.parse(JSON.stringify(e));
  const n = 1 + Math.floor(r() * 3);
  for (let k = 0; k < n; k++) {
    const field = FIELDS[Math.floor(r() * FIELDS.length)];
    const roll = r();
    if (roll < 0.15) delete out[field];
    else if (field === "__proto__")
      Object.defineProperty(out, "__proto__", {
        value: {},
        enumerable: true,
        configurable: true,
        writable: true,
      });
    else if (
      roll < 0.25 &&
      typeof out[field] === "object" &&
      out[field] !== null &&
      !Array.isArray(out[field])
    ) {
      // Mutate inside a nested object.
      const inner = out[field] as Record<string, unknown>;
      const keys = Object.keys(inner);
      const key =
        keys.length > 0 && r() < 0.7 ? keys[Math.floor(r() * keys.length)] : `k${Math.floor(r() * 3)}`;
      inner[key] = TRICKY[Math.floor(r() * TRICKY.length)]();
    } else if (roll < 0.4 && typeof out[field] === "string") {
      // Character-level mutation of a string (timestamps, ids, currency).
      const s = out[field] as string;
      const pos = Math.floor(r() * (s.length + 1));
      const ch = "0123456789-:.TZtz+ _aA\u00a0"[Math.floor(r() * 23)];
      const op = r();
      out[field] =
        op < 0.33
          ? s.slice(0, pos) + ch + s.slice(pos + 1)
          : op < 0.66
            ? s.slice(0, pos) + ch + s.slice(pos)
            : s.slice(0, pos) + s.slice(pos + 1);
    } else out[field] = TRICKY[Math.floor(r() * TRICKY.length)]();
  }
  return out;
}

function safeZod(x: unknown): { ok: boolean; data?: unknown } {
  try {
    const p = eventInputSchema.safeParse(x);
    return p.success ? { ok: true, data: p.data } : { ok: false };
  } catch {
    return { ok: false }; // e.g. stack overflow on cycles: the fast path must not have accepted it
  }
}

/**
 * zod's output is a copy with object keys in schema order; normalisation reads fields by name, so
 * compare canonically (sorted keys, which also shows which keys are present), and `properties`
 * byte for byte, because its JSON text is stored.
 */
function sameJson(a: unknown, b: unknown): boolean {
  const props = (x: unknown) => JSON.stringify((x as { properties?: unknown }).properties);
  return canonicalJson(a) === canonicalJson(b) && props(a) === props(b);
}

describe("the limits fast-validate and the bulk loader's SQL share are the schema's", () => {
  it("EVENT_KEYS are the event schema's keys", () => {
    expect([...EVENT_KEYS].sort()).toEqual(Object.keys(eventInputSchema.shape).sort());
  });

  it("ID_MAX and CONTEXT_MAX are the longest strings zod accepts", () => {
    for (const [field, max] of Object.entries(ID_MAX)) {
      const schema = eventInputSchema.shape[field as keyof typeof ID_MAX];
      expect(schema.safeParse("x".repeat(max)).success, field).toBe(true);
      expect(schema.safeParse("x".repeat(max + 1)).success, field).toBe(false);
    }
    expect(Object.keys(CONTEXT_MAX).sort()).toEqual(Object.keys(eventContextSchema.shape).sort());
    for (const [field, max] of Object.entries(CONTEXT_MAX)) {
      expect(eventContextSchema.safeParse({ [field]: "x".repeat(max) }).success, field).toBe(true);
      expect(eventContextSchema.safeParse({ [field]: "x".repeat(max + 1) }).success, field).toBe(false);
    }
  });
});

describe("fastValidateEvent: fast accept ⇒ zod accept, with an equal value", () => {
  it("accepts the common valid shape (so the fast path is actually taken)", () => {
    const r = rng(1);
    let fast = 0;
    for (let i = 0; i < 5000; i++) {
      const e = validEvent(r, i);
      const z = safeZod(e);
      expect(z.ok).toBe(true);
      if (fastValidateEvent(e) !== undefined) fast++;
      else throw new Error(`valid event not taken by the fast path: ${JSON.stringify(e)}`);
    }
    expect(fast).toBe(5000);
  });

  it("never accepts what zod rejects, over mutated events", () => {
    const r = rng(42);
    let fastAccepted = 0;
    let zodAccepted = 0;
    for (let i = 0; i < 40_000; i++) {
      const e = mutate(validEvent(r, i), r);
      const f = fastValidateEvent(e);
      const z = safeZod(e);
      if (z.ok) zodAccepted++;
      if (f !== undefined) {
        fastAccepted++;
        if (!z.ok || !sameJson(f, z.data)) {
          throw new Error(
            `fast path accepted what zod ${z.ok ? "outputs differently" : "rejects"}: ${String(JSON.stringify(e))}`,
          );
        }
      }
    }
    // Sanity: both accept and reject paths are exercised, and the fast path covers most zod accepts.
    expect(zodAccepted).toBeGreaterThan(3000);
    expect(fastAccepted).toBeGreaterThan(zodAccepted * 0.5);
    expect(fastAccepted).toBeLessThanOrEqual(zodAccepted);
  });

  it("each tricky value in each field agrees with zod", () => {
    const base = {
      event_name: "purchase",
      timestamp: "2026-01-02T03:04:05.678Z",
      user_id: "u1",
      revenue: 1,
      currency: "USD",
    };
    for (const field of FIELDS) {
      for (const make of TRICKY) {
        const e: Record<string, unknown> = { ...base };
        if (field === "__proto__")
          Object.defineProperty(e, "__proto__", {
            value: make(),
            enumerable: true,
            configurable: true,
            writable: true,
          });
        else e[field] = make();
        const f = fastValidateEvent(e);
        if (f === undefined) continue;
        const z = safeZod(e);
        expect(z.ok, `${field}=${String(JSON.stringify(e[field]))}`).toBe(true);
        expect(sameJson(f, z.data)).toBe(true);
      }
    }
  });

  it("non-plain and odd top-level inputs fall back", () => {
    for (const x of [null, 1, "x", [], new Date(0), new Klass(), withSymbol(), cyclic()]) {
      expect(fastValidateEvent(x)).toBeUndefined();
    }
    const inherited = Object.create({ extra: 1 }) as Record<string, unknown>;
    Object.assign(inherited, { event_name: "a", timestamp: 0, user_id: "u" });
    expect(fastValidateEvent(inherited)).toBeUndefined();
  });
});

describe("isIsoDateTime matches zod's ISO datetime grammar", () => {
  it("agrees on every day of several years, with offsets and fractions", () => {
    const years = ["0000", "0004", "1900", "1996", "2000", "2023", "2024", "2100", "2400", "9999"];
    const times = [
      "00:00:00Z",
      "23:59:59.999Z",
      "12:30:15+05:30",
      "12:30:15.1-23:59",
      "12:30:15.123456+00:00",
    ];
    for (const y of years) {
      for (let m = 0; m <= 13; m++) {
        for (let d = 0; d <= 32; d++) {
          for (const t of times) {
            const s = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}T${t}`;
            expect(isIsoDateTime(s), s).toBe(zodIso.safeParse(s).success);
          }
        }
      }
    }
  });

  it("agrees on randomly mutated strings", () => {
    const r = rng(7);
    const alphabet = "0123456789-:.TZtz+ \u00a0";
    let agreeTrue = 0;
    for (let i = 0; i < 100_000; i++) {
      let s = new Date(Math.floor(r() * 4e12) - 1e12).toISOString();
      if (r() < 0.3) s = s.replace("Z", r() < 0.5 ? "+01:30" : "-12:00");
      if (r() < 0.3) s = s.replace(/\.\d+/, r() < 0.5 ? "" : ".123456");
      const edits = Math.floor(r() * 3);
      for (let k = 0; k < edits; k++) {
        const pos = Math.floor(r() * (s.length + 1));
        const ch = alphabet[Math.floor(r() * alphabet.length)];
        const op = r();
        s =
          op < 0.5
            ? s.slice(0, pos) + ch + s.slice(pos + 1)
            : op < 0.75
              ? s.slice(0, pos) + ch + s.slice(pos)
              : s.slice(0, pos) + s.slice(pos + 1);
      }
      const zod = zodIso.safeParse(s).success;
      expect(isIsoDateTime(s), s).toBe(zod);
      if (zod) agreeTrue++;
      if (zod && isCanonicalIso(s)) expect(new Date(Date.parse(s)).toISOString()).toBe(s);
    }
    expect(agreeTrue).toBeGreaterThan(30_000);
  });
});
