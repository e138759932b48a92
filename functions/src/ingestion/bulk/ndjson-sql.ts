import { CONTEXT_MAX, EVENT_KEYS, ID_MAX } from "../fast-validate";

/**
 * DuckDB SQL of the bulk NDJSON loader. DuckDB reads and parses the slice natively; the SQL then
 * accepts a row only when it can prove the JavaScript path (zod's eventInputSchema via
 * fast-validate.ts, then normalise.ts) would accept it and build the very same standard_events row.
 * Every row it is unsure of is *deferred*, never rejected: deferred rows go through the JavaScript
 * path, which words every rejection. So the SQL is an accelerator of the one rule set, not a second
 * rule set; test/unit/ingestion/bulk/bulk-ndjson.test.ts compares both paths row for row.
 *
 * The derived fields that need rules (canonical event name, source / medium / campaign / channel) are
 * not computed here: the loader maps their few distinct inputs with the JavaScript functions and
 * joins the result (see derived-maps.ts).
 *
 * Why a row is deferred (each condition is conservative: it may defer rows JS would accept):
 * - not one JSON object DuckDB parses, or text DuckDB's lenient parser accepts and JSON.parse does
 *   not (NaN / Infinity, trailing commas), or `__proto__` anywhere in the line;
 * - a duplicate key, an unknown key, a JSON null where zod wants a value;
 * - no event_id (its content hash is computed in JavaScript);
 * - ids: not strings, with an escape, not starting and ending with printable non-space ASCII (so
 *   trim() is a no-op), or longer than the limit in UTF-8 bytes (≥ UTF-16 units, the unit zod counts);
 * - timestamp: not `YYYY-MM-DDThh:mm:ss[.sss]Z` naming a real instant, nor integer epoch ms, or
 *   outside the accepted time window;
 * - properties: JSON.stringify could print it differently from DuckDB: numbers with an exponent,
 *   an all-zero fraction or ≥ 16 digits, escapes other than \" \\ \n \r \t, integer-like keys (JS
 *   orders those first), or a duplicate first-level key;
 * - context: unknown keys, non-string values, strings over the limit;
 * - revenue not a finite JSON number, currency not three ASCII letters, revenue without currency.
 */

/** DuckDB's reader sees each line as one VARCHAR: 0x01 never occurs in a native slice (slices.ts). */
function readLinesSql(file: string, maxLineBytes: number): string {
  return `read_csv(${literal(file)}, columns = {'line': 'VARCHAR'}, header = false, delim = E'\\x01',
    quote = '', escape = '', auto_detect = false, strict_mode = false, new_line = '\\n',
    max_line_size = ${Math.max(maxLineBytes + 16, 2_097_152)})`;
}

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Helper macros, created once per session. */
export const MACROS_SQL = [
  // The value of a JSON string literal (NULL for any other JSON value); unescaped only when needed.
  `CREATE OR REPLACE TEMP MACRO cfap_str(v) AS
     CASE WHEN starts_with(v, '"') THEN
       CASE WHEN contains(v, '\\') THEN json_extract_string(v, '$') ELSE v[2:-2] END
     END`,
  // The JSON text of a string zod's id(max) accepts unchanged: 1..max units (UTF-8 bytes ≥ UTF-16
  // units), trim() a no-op (first and last characters printable ASCII, not space), and no escape,
  // so the value is the text between the quotes. Ids with escapes are left to JavaScript.
  `CREATE OR REPLACE TEMP MACRO cfap_idj(j, mx) AS
     coalesce(strlen(j) <= mx + 2 AND regexp_full_match(j, '"[!#-\\[\\]-~]([^"\\\\]*[!#-\\[\\]-~])?"'), false)`,
];

/**
 * Trailing commas, which DuckDB's lenient parser accepts and JSON.parse does not (false hits only
 * defer). JSON whitespace is space, tab, LF and CR; a line has no LF and a native slice no CR
 * (slices.ts), so `,[ \t]*[\]}]` finds every one. One regex scan of the line: cheaper than the
 * substring tests it replaced (two per whitespace character).
 */
function trailingComma(line: string): string {
  return `regexp_matches(${line}, ${literal(String.raw`,[ \t]*[\]}]`)})`;
}

/**
 * Properties JSON.stringify might print differently from DuckDB (see the header), or NaN / Infinity
 * tokens (accepted by DuckDB's parser; in minified JSON a bare value starts right after : , or [).
 */
const PROPS_RISKY = String.raw`[0-9][eE]|\.0[^0-9]|[0-9]{16}|\\[^"\\nrt]|[{,]"[0-9]+":|[:,\[]-?(NaN|Inf|inf|nan)`;
/**
 * The UTC forms taken natively, `YYYY-MM-DDThh:mm:ss[.sss]Z`, with zod's field ranges; the cast then
 * refuses days a month does not have (2026-02-30), so a match is a real instant, as in zod.
 */
const ISO_UTC = String.raw`[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{3})?Z`;

export const CONTEXT_FIELDS = [
  "page_url",
  "referrer",
  "user_agent",
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_term",
  "utm_content",
] as const;

/** An id column: its value when the JSON text is a string id(max) accepts unchanged, else NULL. */
function idField(name: string, json: string, max: number): string {
  return `CASE WHEN cfap_idj(${json}, ${max}) THEN ${json}[2:-2] END AS ${name}`;
}

/** Blank lines are not rows (the streaming parser's isBlank; CR never occurs in a native slice). */
const NON_BLANK = `line IS NOT NULL AND line <> '' AND (ascii(line) NOT IN (32, 9) OR ltrim(line, E' \\t') <> '')`;

/**
 * "Every key is known and none repeats", without list_distinct (slow per row): the number of keys
 * equals the number of known keys present.
 */
function onlyKnownKeysOnce(keys: string, known: readonly string[]): string {
  return `len(${keys}) = ${known.map((k) => `list_contains(${keys}, '${k}')::INT`).join(" + ")}`;
}

export interface StageParams {
  file: string;
  maxLineBytes: number;
  workspaceId: string;
  minMs: number;
  maxMs: number;
}

/**
 * One slice into `bulk_stage`: `ok` (accepted natively, pending the event-name check) and the row's
 * fields. The reader and the checks run in parallel; DuckDB keeps insertion order for this
 * statement (preserve_insertion_order), so a row's rowid is its index among the slice's rows.
 */
export function stageSql(p: StageParams): string {
  const ctxChecks = CONTEXT_FIELDS.map(
    (f) => `coalesce(strlen(c_${f}) <= ${CONTEXT_MAX[f]}, NOT list_contains(ck, '${f}'))`,
  ).join("\n        AND ");
  const nullableId = (f: keyof typeof ID_MAX) => `(j_${f} IS NULL OR ${f} IS NOT NULL)`;
  return `CREATE OR REPLACE TEMP TABLE bulk_stage AS
WITH parsed AS (
  SELECT
    CASE WHEN NOT ${trailingComma("line")} AND NOT contains(line, '__proto__')
      THEN try(json_transform(line, '"MAP(VARCHAR, JSON)"')) END AS m
  FROM ${readLinesSql(p.file, p.maxLineBytes)}
  WHERE ${NON_BLANK}
),
f AS (
  SELECT m, map_keys(m) AS k,
    m['event_id'] AS j_event_id, m['workspace_id'] AS j_ws, m['event_name'] AS j_name,
    m['timestamp'] AS j_ts, m['user_id'] AS j_user_id, m['anonymous_id'] AS j_anonymous_id,
    m['session_id'] AS j_session_id, m['order_id'] AS j_order_id, m['properties'] AS j_props,
    m['context'] AS j_ctx, m['revenue'] AS j_rev, m['currency'] AS j_cur
  FROM parsed
),
g AS (
  SELECT *,
    ${idField("event_id", "j_event_id", ID_MAX.event_id)}, ${idField("name_raw", "j_name", ID_MAX.event_name)},
    ${idField("user_id", "j_user_id", ID_MAX.user_id)}, ${idField("anonymous_id", "j_anonymous_id", ID_MAX.anonymous_id)},
    ${idField("session_id", "j_session_id", ID_MAX.session_id)}, ${idField("order_id", "j_order_id", ID_MAX.order_id)},
    cfap_str(j_ts) AS ts_str,
    CASE WHEN starts_with(j_ctx, '{') THEN try(json_transform(j_ctx, '"MAP(VARCHAR, JSON)"')) END AS cm,
    CASE WHEN regexp_full_match(j_ts, '[0-9]{1,16}') THEN epoch_ms(CAST(j_ts AS BIGINT)) END AS ts_num,
    CASE WHEN regexp_full_match(j_rev, '-?[0-9][0-9.eE+-]*') THEN try_cast(j_rev AS DOUBLE) END AS revenue,
    CASE WHEN regexp_full_match(cfap_str(j_cur), '[A-Za-z]{3}') THEN upper(cfap_str(j_cur)) END AS currency
  FROM f
),
h AS (
  SELECT *, map_keys(cm) AS ck,
    ${CONTEXT_FIELDS.map((c) => `cfap_str(cm['${c}']) AS c_${c}`).join(", ")},
    CASE
      WHEN regexp_full_match(ts_str, ${literal(ISO_UTC)}) THEN try_cast(ts_str AS TIMESTAMP)
      ELSE ts_num
    END AS event_ts
  FROM g
),
checked AS (
  SELECT *, coalesce(
    m IS NOT NULL
    AND ${onlyKnownKeysOnce("k", EVENT_KEYS)}
    AND event_id IS NOT NULL
    AND (j_ws IS NULL AND NOT list_contains(k, 'workspace_id') OR cfap_str(j_ws) = ${literal(p.workspaceId)})
    AND name_raw IS NOT NULL
    AND epoch_ms(event_ts) BETWEEN ${Math.trunc(p.minMs)} AND ${Math.trunc(p.maxMs)}
    AND ${nullableId("user_id")} AND ${nullableId("anonymous_id")}
    AND ${nullableId("session_id")} AND ${nullableId("order_id")}
    AND (user_id IS NOT NULL OR anonymous_id IS NOT NULL)
    AND (CASE WHEN j_props IS NULL THEN NOT list_contains(k, 'properties')
      ELSE starts_with(j_props, '{') AND NOT regexp_matches(j_props, ${literal(PROPS_RISKY)}) END)
    AND (CASE WHEN j_ctx IS NULL THEN NOT list_contains(k, 'context')
      ELSE cm IS NOT NULL
        AND ${onlyKnownKeysOnce("ck", CONTEXT_FIELDS)}
        AND ${ctxChecks} END)
    AND (j_rev IS NULL OR (isfinite(revenue) AND currency IS NOT NULL))
    AND (j_cur IS NULL OR currency IS NOT NULL),
  false) AS ok,
  -- trafficSource() looks at page_url and referrer only without a non-blank UTM source or medium.
  coalesce(regexp_matches(c_utm_source, '[!-~]') OR regexp_matches(c_utm_medium, '[!-~]'), false) AS utm_decides
  FROM h
)
SELECT ok, event_id, name_raw, event_ts, user_id, anonymous_id, session_id,
  CASE WHEN ok THEN j_props END AS properties,
  ${CONTEXT_FIELDS.map((c) => `c_${c} AS ${c}`).join(", ")},
  CASE WHEN utm_decides THEN NULL ELSE c_page_url END AS tk_page,
  CASE WHEN utm_decides THEN NULL ELSE c_referrer END AS tk_referrer,
  revenue, currency, order_id
FROM checked`;
}

/**
 * The deferred rows' text (as hex of its UTF-8 bytes: the client's string conversion drops a leading
 * byte-order mark, which the streaming parser keeps and rejects), index and physical line: the slice read again in order (only when some
 * rows were deferred), numbering lines and rows the way the streaming parser does.
 */
export function deferredRowsSql(file: string, maxLineBytes: number): string {
  return `WITH numbered AS (
  SELECT row_number() OVER () - 1 AS idx, ln, line FROM (
    SELECT row_number() OVER () AS ln, line FROM ${readLinesSql(file, maxLineBytes)}
  ) WHERE ${NON_BLANK}
)
SELECT n.idx, n.ln, hex(n.line) AS line_hex FROM numbered n
WHERE n.idx IN (SELECT rowid FROM bulk_stage WHERE NOT ok)
ORDER BY n.idx`;
}

/** Session tables for the maps (kept across slices: a name or source seen once is mapped once). */
export const MAP_TABLES_SQL = [
  `CREATE OR REPLACE TEMP TABLE bulk_names (raw VARCHAR, canonical VARCHAR)`,
  `CREATE OR REPLACE TEMP TABLE bulk_traffic (page_url VARCHAR, referrer VARCHAR, utm_source VARCHAR,
     utm_medium VARCHAR, utm_campaign VARCHAR, source VARCHAR, medium VARCHAR, campaign VARCHAR, channel VARCHAR)`,
];

const TRAFFIC_JOIN = `t.page_url IS NOT DISTINCT FROM s.tk_page AND t.referrer IS NOT DISTINCT FROM s.tk_referrer
  AND t.utm_source IS NOT DISTINCT FROM s.utm_source AND t.utm_medium IS NOT DISTINCT FROM s.utm_medium
  AND t.utm_campaign IS NOT DISTINCT FROM s.utm_campaign`;

export const NEW_NAMES_SQL = `SELECT DISTINCT s.name_raw AS raw FROM bulk_stage s
  WHERE s.ok AND NOT EXISTS (SELECT 1 FROM bulk_names n WHERE n.raw = s.name_raw)`;

export const NEW_TRAFFIC_SQL = `SELECT DISTINCT s.tk_page AS page_url, s.tk_referrer AS referrer, s.utm_source,
  s.utm_medium, s.utm_campaign FROM bulk_stage s
  WHERE s.ok AND NOT EXISTS (SELECT 1 FROM bulk_traffic t WHERE ${TRAFFIC_JOIN})`;

/**
 * Rows the maps do not cover are left to JavaScript: a name that canonicalises to nothing (JavaScript
 * words the rejection), and — a safety net, so no accepted row can be dropped by the inner joins of
 * the insert — any name or traffic source whose text did not come back from JavaScript unchanged
 * (the client's string conversion drops a leading byte-order mark, for one).
 */
export const DEFER_UNMAPPED_SQL = `UPDATE bulk_stage SET ok = false
  WHERE ok AND (
    NOT EXISTS (SELECT 1 FROM bulk_names n WHERE n.raw = bulk_stage.name_raw AND n.canonical <> '')
    OR NOT EXISTS (SELECT 1 FROM bulk_traffic t WHERE ${TRAFFIC_JOIN.replace(/\bs\./g, "bulk_stage.")}))`;

/**
 * First occurrence wins, in file order: a native row whose event_id an earlier deferred row also
 * carries (ids listed in bulk_deferred_ids by the loader) is deferred too, so JavaScript sees both in
 * order (the earlier one may yet be rejected).
 */
export const DEFERRED_IDS_SQL = `CREATE OR REPLACE TEMP TABLE bulk_deferred_ids (event_id VARCHAR, idx VARCHAR)`;
export const DEFER_AFTER_DEFERRED_SQL = `UPDATE bulk_stage SET ok = false
  WHERE ok AND EXISTS (SELECT 1 FROM bulk_deferred_ids d
    WHERE d.event_id = bulk_stage.event_id AND CAST(d.idx AS BIGINT) < bulk_stage.rowid)`;

export const COUNT_DEFERRED_SQL = `SELECT count(*) FILTER (WHERE NOT ok) AS n FROM bulk_stage`;

export interface InsertParams {
  workspaceId: string;
  receivedAtMs: number;
  ingestPath: string;
}

/**
 * Accepted rows into standard_events in file order; the key index drops duplicates (ON CONFLICT).
 * `onConflict` false: the caller has proved there can be none (an empty table without the index,
 * no repeated id in the slice — see bulk-ndjson.ts), and DuckDB refuses ON CONFLICT without an index.
 */
export function insertSql(
  target: string,
  columns: readonly string[],
  p: InsertParams,
  inFileOrder: boolean,
  onConflict = true,
): string {
  const expr: Record<string, string> = {
    workspace_id: literal(p.workspaceId),
    event_id: "s.event_id",
    event_name: "n.canonical",
    event_ts: "s.event_ts",
    received_at: `make_timestamp(${Math.trunc(p.receivedAtMs) * 1000})`,
    source: "t.source",
    medium: "t.medium",
    campaign: "t.campaign",
    channel: "t.channel",
    ingest_path: literal(p.ingestPath),
  };
  const select = columns.map((c) => expr[c] ?? `s.${c}`).join(", ");
  return `INSERT INTO ${target} (${columns.map((c) => `"${c}"`).join(", ")})
SELECT ${select}
FROM bulk_stage s
JOIN bulk_names n ON n.raw = s.name_raw
JOIN bulk_traffic t ON ${TRAFFIC_JOIN}
WHERE s.ok${inFileOrder ? "\nORDER BY s.rowid" : ""}${onConflict ? "\nON CONFLICT DO NOTHING" : ""}`;
}

/** Rows in the target and whether its key index exists (a file from before the index has a PRIMARY KEY). */
export function targetStateSql(target: string, tableName: string, indexName: string): string {
  return `SELECT (SELECT count(*) FROM ${target}) AS rows,
  (SELECT count(*) FROM duckdb_indexes() WHERE table_name = ${literal(tableName)} AND index_name = ${literal(indexName)}) AS key_index`;
}

/**
 * Row counts, and how many accepted rows repeat an id: only then does the insert need file order
 * (the first occurrence wins), which costs a sort of the slice.
 */
export const STAGE_COUNTS_SQL = `SELECT count(*) AS rows, count(*) FILTER (WHERE ok) AS ok,
  count(*) FILTER (WHERE ok) - count(DISTINCT event_id) FILTER (WHERE ok) AS repeats FROM bulk_stage`;

export const DROP_SQL = [
  `DROP TABLE IF EXISTS bulk_deferred_ids`,
  `DROP TABLE IF EXISTS bulk_stage`,
  `DROP TABLE IF EXISTS bulk_names`,
  `DROP TABLE IF EXISTS bulk_traffic`,
];
