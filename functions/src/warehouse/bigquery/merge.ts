import { BigQuery } from "@google-cloud/bigquery";
import type { FieldSchema, TableSchema } from "../schema/table-schemas";
import { WarehouseError, type Row } from "../warehouse";
import { qualified } from "./ddl";
import { encodeRow, insertIdFor, keyValues } from "./rows";

/**
 * `upsert` as one MERGE job. The source is a typed query parameter `@rows` of
 * ARRAY<STRUCT<…one field per column…>>, so values never touch the SQL text. JSON columns travel as
 * STRING inside the struct and are PARSE_JSON'd in the source SELECT (JSON-typed struct parameters
 * are not accepted everywhere).
 *
 *   MERGE `p.d.uploads` AS t
 *   USING (SELECT r.workspace_id, …, PARSE_JSON(r.x) AS x FROM UNNEST(@rows) AS r) AS s
 *   ON t.workspace_id = s.workspace_id AND t.upload_id = s.upload_id
 *   WHEN MATCHED THEN UPDATE SET status = s.status, …
 *   WHEN NOT MATCHED THEN INSERT (workspace_id, …) VALUES (s.workspace_id, …)
 *
 * BigQuery refuses DML on rows still in the streaming buffer (~30 min after insertAll), so a table
 * kept by upsert must not also be written with insert().
 */
export const MERGE_ROWS_PARAM = "rows";

type ProvidedType = string | ProvidedType[] | { [k: string]: ProvidedType };

export function buildMerge(projectId: string, dataset: string, schema: TableSchema): string {
  const cols = schema.fields.map((f) => f.name);
  const nonKey = cols.filter((c) => !schema.key.includes(c));
  const source = schema.fields.map((f) => `${sourceExpr(f, "r")} AS ${f.name}`).join(", ");
  const lines = [
    `MERGE ${qualified(projectId, dataset, schema.name)} AS t`,
    `USING (SELECT ${source} FROM UNNEST(@${MERGE_ROWS_PARAM}) AS r) AS s`,
    `ON ${schema.key.map((k) => `t.${k} = s.${k}`).join(" AND ")}`,
  ];
  if (nonKey.length > 0)
    lines.push(`WHEN MATCHED THEN UPDATE SET ${nonKey.map((c) => `${c} = s.${c}`).join(", ")}`);
  lines.push(
    `WHEN NOT MATCHED THEN INSERT (${cols.join(", ")}) VALUES (${cols.map((c) => `s.${c}`).join(", ")})`,
  );
  return lines.join("\n");
}

function hasJson(fields: FieldSchema[]): boolean {
  return fields.some(
    (f) => f.type === "JSON" || ((f.type === "RECORD" || f.type === "STRUCT") && hasJson(f.fields ?? [])),
  );
}

/** The source expression of one column: struct fields as they are, JSON parsed back from text. */
function sourceExpr(field: FieldSchema, alias: string): string {
  const ref = `${alias}.${field.name}`;
  const isRecord = field.type === "RECORD" || field.type === "STRUCT";
  if (field.mode === "REPEATED") {
    if (field.type === "JSON")
      return `ARRAY(SELECT PARSE_JSON(x) FROM UNNEST(${ref}) AS x WITH OFFSET o ORDER BY o)`;
    if (isRecord && hasJson(field.fields ?? [])) {
      const inner = (field.fields ?? []).map((f) => `${sourceExpr(f, "e")} AS ${f.name}`).join(", ");
      return `ARRAY(SELECT AS STRUCT ${inner} FROM UNNEST(${ref}) AS e WITH OFFSET o ORDER BY o)`;
    }
    return ref;
  }
  if (field.type === "JSON") return `PARSE_JSON(${ref})`;
  if (isRecord && hasJson(field.fields ?? [])) {
    const inner = (field.fields ?? []).map((f) => `${sourceExpr(f, ref)} AS ${f.name}`).join(", ");
    return `IF(${ref} IS NULL, NULL, STRUCT(${inner}))`;
  }
  return ref;
}

/** The client's `types` entry for @rows: [{ col: "STRING", estimates: [{ term: "STRING", … }], … }]. */
export function mergeParamType(schema: TableSchema): ProvidedType {
  return [structType(schema.fields)];
}

function structType(fields: FieldSchema[]): { [k: string]: ProvidedType } {
  const out: { [k: string]: ProvidedType } = {};
  for (const f of fields) {
    const scalar: ProvidedType =
      f.type === "RECORD" || f.type === "STRUCT" ? structType(f.fields ?? []) : paramScalar(f.type);
    out[f.name] = f.mode === "REPEATED" ? [scalar] : scalar;
  }
  return out;
}

function paramScalar(type: FieldSchema["type"]): string {
  switch (type) {
    case "INTEGER":
    case "INT64":
      return "INT64";
    case "FLOAT":
    case "FLOAT64":
      return "FLOAT64";
    case "BOOLEAN":
    case "BOOL":
      return "BOOL";
    case "JSON":
      return "STRING";
    default:
      return type;
  }
}

export interface MergeRows {
  values: Record<string, unknown>[];
  /** Rows replaced by a later row with the same key in the same call. */
  superseded: number;
}

/**
 * The @rows value: one struct per distinct key (the last row of a key wins: MERGE refuses two
 * source rows for one target row), every column present, values in the client's parameter forms.
 */
export function mergeRows(schema: TableSchema, rows: Row[]): MergeRows {
  const byKey = new Map<string, Record<string, unknown>>();
  rows.forEach((row, i) => {
    const id = insertIdFor(keyValues(schema, row, i));
    const encoded = encodeRow(schema, row, i); // validates REQUIRED / types, JSON → text
    byKey.delete(id); // keep the input order of the winning rows
    byKey.set(id, structValue(schema.fields, encoded, `${schema.name} row ${i}`));
  });
  return { values: [...byKey.values()], superseded: rows.length - byKey.size };
}

function structValue(
  fields: FieldSchema[],
  encoded: Record<string, unknown>,
  where: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = encoded[f.name];
    if (f.mode === "REPEATED") {
      out[f.name] = ((v as unknown[] | undefined) ?? []).map((x) => fieldValue(f, x, where));
    } else {
      out[f.name] = v === undefined ? null : fieldValue(f, v, where);
    }
  }
  return out;
}

function fieldValue(f: FieldSchema, v: unknown, where: string): unknown {
  if (v === null || v === undefined) {
    if (f.type === "RECORD" || f.type === "STRUCT") {
      throw new WarehouseError(`${where}: ${f.name}: a NULL RECORD cannot be sent as a struct parameter`);
    }
    return null;
  }
  switch (f.type) {
    case "TIMESTAMP":
      return BigQuery.timestamp(String(v));
    case "DATE":
      return BigQuery.date(String(v));
    case "RECORD":
    case "STRUCT":
      return structValue(f.fields ?? [], v as Record<string, unknown>, where);
    default:
      return v;
  }
}
