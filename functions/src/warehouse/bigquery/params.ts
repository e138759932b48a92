import { BigQuery } from "@google-cloud/bigquery";
import {
  WarehouseError,
  type SqlParamType,
  type SqlQuery,
  type SqlScalarType,
  type SqlValue,
} from "../warehouse";

/**
 * Named query parameters for the client, each with an explicit type. The client would infer types
 * itself, but it cannot type NULL or an empty array, it does not know bigint, and it types every
 * integral number as INT64; here each parameter gets a type the caller can override (`paramTypes`).
 */
export interface ClientParams {
  params: Record<string, unknown>;
  types: Record<string, string | string[]>;
}

export function toClientParams(
  params: SqlQuery["params"] | undefined,
  paramTypes: SqlQuery["paramTypes"] = {},
): ClientParams | undefined {
  if (!params || Object.keys(params).length === 0) return undefined;
  const out: ClientParams = { params: {}, types: {} };
  for (const [name, value] of Object.entries(params)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new WarehouseError(
        `query parameter name ${JSON.stringify(name)} is not a valid BigQuery identifier`,
      );
    }
    const declared = paramTypes[name];
    if (Array.isArray(value)) {
      const elementType = declared ? arrayElementType(name, declared) : inferArrayType(value);
      out.types[name] = [elementType];
      out.params[name] = value.map((v) => toParamValue(v, elementType));
    } else {
      if (declared?.startsWith("ARRAY<")) {
        throw new WarehouseError(`query parameter ${name} is declared ${declared} but is not an array`);
      }
      const type = (declared as SqlScalarType | undefined) ?? inferScalarType(value);
      out.types[name] = type;
      out.params[name] = toParamValue(value, type);
    }
  }
  return out;
}

function arrayElementType(name: string, declared: SqlParamType): SqlScalarType {
  const m = /^ARRAY<(\w+)>$/.exec(declared);
  if (!m) throw new WarehouseError(`query parameter ${name} is an array but declared ${declared}`);
  return m[1] as SqlScalarType;
}

export function inferScalarType(value: SqlValue): SqlScalarType {
  if (value === null || value === undefined) return "STRING";
  if (typeof value === "bigint") return "INT64";
  if (typeof value === "number") return Number.isSafeInteger(value) ? "INT64" : "FLOAT64";
  if (typeof value === "boolean") return "BOOL";
  if (value instanceof Date) return "TIMESTAMP";
  return "STRING";
}

function inferArrayType(values: SqlValue[]): SqlScalarType {
  const types = new Set(values.filter((v) => v !== null && v !== undefined).map(inferScalarType));
  if (types.size === 0) return "STRING";
  if (types.size === 2 && types.has("INT64") && types.has("FLOAT64")) return "FLOAT64";
  if (types.size > 1) throw new WarehouseError(`array parameter mixes types ${[...types].join(", ")}`);
  return [...types][0];
}

/** The value in the form `valueToQueryParameter_` expects for the type (custom types need wrappers). */
function toParamValue(value: SqlValue | undefined, type: SqlScalarType): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "TIMESTAMP":
      return BigQuery.timestamp(value instanceof Date ? value : new Date(toEpochMs(value)));
    case "DATE":
      return BigQuery.date(
        value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10),
      );
    case "INT64":
      return typeof value === "bigint" ? value.toString() : value;
    case "JSON":
      return typeof value === "string" ? value : JSON.stringify(value);
    default:
      return typeof value === "bigint" ? value.toString() : value;
  }
}

function toEpochMs(value: SqlValue): number {
  const ms = typeof value === "number" ? value : Date.parse(String(value));
  if (!Number.isFinite(ms)) throw new WarehouseError(`invalid TIMESTAMP parameter ${String(value)}`);
  return ms;
}
