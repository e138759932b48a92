/**
 * A seeded NDJSON corpus for comparing the bulk loader with the streaming path: ordinary events
 * plus every kind of line one path might treat differently from the other (types, limits, escapes,
 * number formats, lenient JSON, timestamps, keys, duplicates and id collisions).
 */
import { mulberry32 } from "../../../../src/stats/synth/rng";

export const RECEIVED_AT = new Date("2026-06-01T12:00:00.000Z");
export const WORKSPACE = "acme";

const iso = (offsetS: number) => new Date(RECEIVED_AT.getTime() - offsetS * 1000).toISOString();

/** Raw lines that are not plain JSON.stringify output, each written as is. */
const ODD_LINES: string[] = [
  "",
  "   ",
  "\t",
  "{bad json",
  "[1,2]",
  '"just a string"',
  "null",
  '{"event_id":"odd-1","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u",}',
  '{"event_id":"odd-2","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u","revenue":NaN,"currency":"USD"}',
  '{"event_id":"odd-3","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u","properties":{"a":Infinity}}',
  '{"event_id":"odd-4","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u","properties":{"a":[1,2,]}}',
  '  {"event_id":"odd-5","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u"}',
  '{ "event_id" : "odd-6", "event_name" : "x", "timestamp" : "2026-06-01T11:00:00.000Z", "user_id" : "u" }',
  '{"event_id":"odd-7","event_name":"x","event_name":"y","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u"}',
  '{"event_id":"odd-8","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u","__proto__":{"a":1}}',
  '{"event_id":"odd-9","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u","properties":{"s":"\\ud800"}}',
  '{"event_id":"odd-10","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u","properties":{"n":1.50,"m":100.0,"e":1e3,"big":12345678901234567890,"z":-0.0}}',
  '{"event_id":"odd-11","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u","properties":{"2":"b","1":"a","k":"c"}}',
  '{"event_id":"odd-12","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u","properties":{"s":"tab\\there \\"quoted\\" \\u00e9 \\/ \\b\\f\\u0001"}}',
  '{"event_id":"odd-13","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u","context":{"page_url":"https:\\/\\/shop.example.com\\/p?gclid=1"}}',
  '{"event_id":"odd-14","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u","revenue":1e999,"currency":"USD"}',
  '{"event_id":"odd-15","event_name":"x","timestamp":1780310000000.0,"user_id":"u"}',
  '{"event_id":"odd-16","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u"} {"a":1}',
  '{"event_id":"odd-17","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u","workspace_id":null}',
  '{"event_id":"odd-18","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u","properties":null}',
  '{"event_id":"odd-19","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u","context":null}',
  '{"event_id":"odd-20","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u","revenue":null,"currency":null,"session_id":null}',
  '{"event_id":"odd-21","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u","context":{"utm_source":"a","utm_source":"b"}}',
  '{"event_id":"odd-22","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u","revenue":0.1,"currency":"eur"}',
  // Trailing commas before whitespace: a space before }, a tab before ] (JSON.parse rejects both).
  '{"event_id":"odd-24","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u", }',
  '{"event_id":"odd-25","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u","properties":{"a":[1,\t]}}',
  // A comma, spaces and a bracket inside a string: valid JSON (the check may defer it, never reject it).
  '{"event_id":"odd-26","event_name":"x","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u","properties":{"s":"a,  ]b"}}',
  '{"event_id":"odd-23","event_name":"\\u00c9v\\u00e9nement Sp\\u00e9cial","timestamp":"2026-06-01T11:00:00.000Z","user_id":"u"}',
];

function event(r: () => number, i: number): Record<string, unknown> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const e: Record<string, unknown> = {
    event_id: `e-${i}`,
    event_name: pick(["page_view", "Order Completed", "purchase", "signup", "addToCart", "checkout_started"]),
    timestamp: iso(Math.floor(r() * 30 * 86_400)),
    user_id: `user_${Math.floor(r() * 500)}`,
  };
  if (r() < 0.5) e.session_id = `s_${Math.floor(r() * 900)}`;
  if (r() < 0.7) {
    e.properties = {
      geo: `geo_${Math.floor(r() * 20)}`,
      cart: { items: Math.floor(r() * 5), price: Math.round(r() * 10_000) / 100, tags: ["a", "b"] },
      flag: r() < 0.5,
      none: null,
      ключ: "значение",
    };
  }
  if (r() < 0.8) {
    const kind = pick(["utm", "gclid", "referrer", "internal", "direct", "email"]);
    const c: Record<string, string> = { page_url: "https://shop.example.com/p?x=1" };
    if (kind === "utm")
      Object.assign(c, {
        utm_source: pick(["google", "Facebook", " newsletter ", "tiktok"]),
        utm_medium: pick(["cpc", "social", "email", "paid_social"]),
        utm_campaign: pick(["brand", "Spring Sale", "cross-network x"]),
      });
    if (kind === "gclid") c.page_url = "https://shop.example.com/p?gclid=abc&x=1";
    if (kind === "referrer")
      c.referrer = pick([
        "https://www.google.com/search?q=x",
        "https://t.co/abc",
        "https://blog.example.org/post",
      ]);
    if (kind === "internal") c.referrer = "https://shop.example.com/home";
    if (kind === "email") Object.assign(c, { utm_medium: "email" });
    if (r() < 0.3) c.user_agent = "Mozilla/5.0 (X11; Linux x86_64)";
    e.context = c;
  }
  if (r() < 0.2) {
    e.revenue = Math.round(r() * 100_000) / 100;
    e.currency = pick(["USD", "eur", "GBP"]);
    e.order_id = `o-${i}`;
  }
  // Variants, each one in a few percent of the events.
  const v = r();
  if (v < 0.02)
    delete e.event_id; // content-hash id: the JavaScript path
  else if (v < 0.03) e.timestamp = "2026-05-30T10:00:00+02:00";
  else if (v < 0.04) e.timestamp = "2026-05-30T10:00:00Z";
  else if (v < 0.05) e.timestamp = RECEIVED_AT.getTime() - Math.floor(r() * 1e9);
  else if (v < 0.055) e.timestamp = "2026-02-30T10:00:00.000Z";
  else if (v < 0.06) e.timestamp = "2030-01-01T00:00:00.000Z";
  else if (v < 0.065) e.timestamp = "2020-01-01T00:00:00.000Z";
  else if (v < 0.07) e.timestamp = "2026-05-30T24:00:00.000Z";
  else if (v < 0.075) e.user_id = "  padded  ";
  else if (v < 0.08) e.user_id = "x".repeat(300);
  else if (v < 0.085) delete e.user_id;
  else if (v < 0.09) {
    delete e.user_id;
    e.anonymous_id = `anon-${i}`;
  } else if (v < 0.095) e.event_name = "!!!";
  else if (v < 0.1) e.event_name = 42;
  else if (v < 0.105) e.workspace_id = WORKSPACE;
  else if (v < 0.11) e.workspace_id = "other";
  else if (v < 0.115) e.context = { page_url: "https://x.example.com", utm_source: 5 };
  else if (v < 0.12) e.context = { page_url: "https://x.example.com", colour: "red" };
  else if (v < 0.125) e.revenue = 5;
  else if (v < 0.13) {
    e.revenue = "9.99";
    e.currency = "USD";
  } else if (v < 0.135) e.currency = "US";
  else if (v < 0.14) e.properties = [1, 2];
  else if (v < 0.145) e.extra = "unknown key";
  else if (v < 0.15)
    e.event_id = `e-${i - 1}`; // an in-file duplicate id with other content
  else if (v < 0.155) e.event_name = "Événement déjà vu";
  else if (v < 0.16) e.session_id = 7;
  else if (v < 0.165) e.event_id = ` e-${i} `;
  else if (v < 0.17) e.event_id = "";
  else if (v < 0.175) e.event_id = "y".repeat(200);
  else if (v < 0.18) e.event_id = `é-${i}`;
  else if (v < 0.185) e.event_name = " page_view ";
  else if (v < 0.19) e.timestamp = "2026-05-30T10:00:00.123456Z";
  else if (v < 0.195) e.anonymous_id = "";
  else if (v < 0.2) e.order_id = " o ";
  else if (v < 0.205) e.event_id = `e-${i}\t`;
  else if (v < 0.21) e.event_name = "n".repeat(200);
  else if (v < 0.215) e.session_id = `s-${i}\u00a0`;
  else if (v < 0.22)
    e.context = { page_url: "https://shop.example.com/", utm_source: "news", utm_campaign: "\ufeffspring" };
  return e;
}

/** `n` generated events, with the odd lines spread through them; file text with a final newline. */
export function corpus(n: number, seed = 7): string {
  const r = mulberry32(seed);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(JSON.stringify(event(r, i)));
    if (i % Math.max(1, Math.floor(n / ODD_LINES.length)) === 0)
      lines.push(ODD_LINES[lines.length % ODD_LINES.length]);
    if (i % 97 === 0) lines.push(lines[lines.length - 2] ?? ""); // an exact repeat
  }
  lines.push(...ODD_LINES);
  // Collisions: a row the JavaScript path takes (non-canonical timestamp) before a native row with the
  // same id, and a row JavaScript rejects before a native row with the same id.
  lines.push(
    '{"event_id":"col-1","event_name":"first","timestamp":"2026-05-30T10:00:00+02:00","user_id":"u"}',
  );
  lines.push(
    '{"event_id":"col-1","event_name":"second","timestamp":"2026-05-30T10:00:00.000Z","user_id":"u"}',
  );
  lines.push('{"event_id":"col-2","event_name":"first","timestamp":"2026-05-30T10:00:00+02:00"}');
  lines.push(
    '{"event_id":"col-2","event_name":"second","timestamp":"2026-05-30T10:00:00.000Z","user_id":"u"}',
  );
  return lines.join("\n") + "\n";
}
