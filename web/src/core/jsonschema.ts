/**
 * Just enough JSON Schema (draft 2020-12, as zod's toJSONSchema writes it) to build a parameter form
 * and validate it in the browser: types, enum/const, string/number/array bounds, pattern, date formats,
 * required, nested objects, records (additionalProperties), anyOf/oneOf, nullable, local $ref.
 */
export interface JSONSchema {
  $ref?: string;
  $defs?: Record<string, JSONSchema>;
  definitions?: Record<string, JSONSchema>;
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JSONSchema>;
  required?: string[];
  additionalProperties?: JSONSchema | boolean;
  items?: JSONSchema;
  anyOf?: JSONSchema[];
  oneOf?: JSONSchema[];
  allOf?: JSONSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minItems?: number;
  maxItems?: number;
}

export type Path = Array<string | number>;
export type Errors = Record<string, string>;

export const pathKey = (path: Path): string => path.map(String).join(".");

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Follows a local `$ref` ("#/$defs/x") against the root schema; merges allOf into one schema. */
export function resolve(schema: JSONSchema, root: JSONSchema): JSONSchema {
  let s = schema;
  for (let i = 0; i < 16 && s.$ref; i++) {
    const target = lookupRef(s.$ref, root);
    if (!target) break;
    const { $ref: _ref, ...rest } = s;
    s = { ...target, ...rest };
  }
  if (s.allOf?.length) {
    const { allOf, ...rest } = s;
    return allOf.reduce<JSONSchema>((acc, part) => mergeSchemas(acc, resolve(part, root)), rest);
  }
  return s;
}

function mergeSchemas(a: JSONSchema, b: JSONSchema): JSONSchema {
  return {
    ...a,
    ...b,
    properties: a.properties || b.properties ? { ...a.properties, ...b.properties } : undefined,
    required: a.required || b.required ? [...(a.required ?? []), ...(b.required ?? [])] : undefined,
  };
}

function lookupRef(ref: string, root: JSONSchema): JSONSchema | undefined {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isObject(node)) return undefined;
    node = node[part];
  }
  return isObject(node) ? (node as JSONSchema) : undefined;
}

/** The schema's types, without "null". */
export function typesOf(s: JSONSchema): string[] {
  if (s.type === undefined) {
    if (s.enum) return [...new Set(s.enum.map(jsonType))].filter((t) => t !== "null");
    if (s.const !== undefined) return [jsonType(s.const)];
    if (s.properties || s.additionalProperties !== undefined) return ["object"];
    if (s.items) return ["array"];
    return [];
  }
  return (Array.isArray(s.type) ? s.type : [s.type]).filter((t) => t !== "null");
}

export function allowsNull(s: JSONSchema): boolean {
  if (Array.isArray(s.type)) return s.type.includes("null");
  return s.type === "null" || (s.enum?.includes(null) ?? false);
}

export function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** anyOf / oneOf alternatives, without a bare `{type: "null"}` (nullable is treated as optional). */
export function variantsOf(s: JSONSchema): JSONSchema[] | null {
  const list = s.anyOf ?? s.oneOf;
  if (!list) return null;
  const nonNull = list.filter((v) => !(v.type === "null" && Object.keys(v).length === 1));
  return nonNull;
}

/** A schema with its nullable wrapper removed: `anyOf: [X, {type: null}]` → X (keeping outer keywords). */
export function unwrap(schema: JSONSchema, root: JSONSchema): JSONSchema {
  const s = resolve(schema, root);
  const vs = variantsOf(s);
  if (vs && vs.length === 1) {
    const { anyOf: _a, oneOf: _o, ...outer } = s;
    return { ...resolve(vs[0], root), ...outer };
  }
  return s;
}

/** Constant-valued properties (up to two levels deep) that tell an anyOf alternative apart. */
export function discriminators(
  s: JSONSchema,
  root: JSONSchema,
  prefix: Path = [],
  depth = 0,
): Array<{ path: Path; value: unknown }> {
  const out: Array<{ path: Path; value: unknown }> = [];
  const props = resolve(s, root).properties ?? {};
  for (const [k, raw] of Object.entries(props)) {
    const p = resolve(raw, root);
    if (p.const !== undefined) out.push({ path: [...prefix, k], value: p.const });
    else if (p.enum?.length === 1) out.push({ path: [...prefix, k], value: p.enum[0] });
    else if (depth < 1 && typesOf(p).includes("object"))
      out.push(...discriminators(p, root, [...prefix, k], depth + 1));
  }
  return out;
}

export function humanize(key: string): string {
  const s = key
    .replace(/[_-]+/g, " ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .trim();
  return s ? s[0].toUpperCase() + s.slice(1) : key;
}

/** A short label for an anyOf alternative. */
export function variantLabel(v: JSONSchema, root: JSONSchema, index: number): string {
  const s = resolve(v, root);
  if (s.title) return s.title;
  const d = discriminators(s, root);
  if (d.length)
    return d.map((x) => `${humanize(x.path.map(String).join(" "))}: ${String(x.value)}`).join(", ");
  const types = typesOf(s);
  if (s.enum) return `one of ${s.enum.slice(0, 3).map(String).join(", ")}${s.enum.length > 3 ? ", …" : ""}`;
  if (types.includes("object")) {
    const req = s.required ?? Object.keys(s.properties ?? {});
    return req.length ? `with ${req.join(", ")}` : `option ${index + 1}`;
  }
  if (types.length) return types.join(" or ");
  return `option ${index + 1}`;
}

export function getIn(value: unknown, path: Path): unknown {
  let v = value;
  for (const p of path) {
    if (Array.isArray(v) && typeof p === "number") v = v[p];
    else if (isObject(v)) v = v[String(p)];
    else return undefined;
  }
  return v;
}

/** Immutable set; `undefined` removes an object key. */
export function setIn(value: unknown, path: Path, next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path;
  if (typeof head === "number") {
    const arr = Array.isArray(value) ? [...value] : [];
    arr[head] = setIn(arr[head], rest, next);
    return arr;
  }
  const obj = isObject(value) ? { ...value } : {};
  const child = setIn(obj[head], rest, next);
  if (child === undefined) delete obj[head];
  else obj[head] = child;
  return obj;
}

/** The starting value of a schema: its default, its const, or an object of its required members. */
export function defaultValue(schema: JSONSchema, root: JSONSchema): unknown {
  const s = unwrap(schema, root);
  if (s.default !== undefined) return structuredClone(s.default);
  if (s.const !== undefined) return s.const;
  const vs = variantsOf(s);
  if (vs && vs.length) return defaultValue(vs[defaultVariant(vs, root)], root);
  const types = typesOf(s);
  if (types.includes("object") && (s.properties || s.additionalProperties !== undefined)) {
    const out: Record<string, unknown> = {};
    const required = new Set(s.required ?? []);
    for (const [k, p] of Object.entries(s.properties ?? {})) {
      const ps = resolve(p, root);
      if (required.has(k) || ps.default !== undefined || ps.const !== undefined) {
        const dv = defaultValue(ps, root);
        if (dv !== undefined) out[k] = dv;
      }
    }
    return out;
  }
  if (types.includes("array")) return undefined;
  if (types.length === 1 && types[0] === "boolean") return undefined;
  return undefined;
}

/**
 * The alternative an empty value stands for, as the server's union would read it: the first one whose
 * discriminators need no input — each discriminating member is optional or has a default. For the DiD
 * params (`anyOf: [table source (source required), events source (source defaults to {kind: "events"})]`)
 * that is the events branch. Alternatives without discriminators (e.g. an enum or an object) give 0.
 */
export function defaultVariant(variants: JSONSchema[], root: JSONSchema): number {
  const needsInput = (v: JSONSchema): boolean => {
    const s = resolve(v, root);
    return discriminators(s, root).some((d) => {
      let node = s;
      for (const key of d.path) {
        const prop = node.properties?.[String(key)];
        if (!prop) return false;
        const p = resolve(prop, root);
        if (p.default !== undefined) return false;
        if (!(node.required ?? []).includes(String(key))) return false;
        node = p;
      }
      return true;
    });
  };
  const i = variants.findIndex((v) => !needsInput(v));
  return i < 0 ? 0 : i;
}

/** Structural misfit of a value to an alternative: consts that disagree, a wrong type, unknown keys. */
function mismatch(v: JSONSchema, value: unknown, root: JSONSchema): number {
  const s = resolve(v, root);
  let score = 0;
  for (const d of discriminators(s, root)) {
    const got = getIn(value, d.path);
    if (got !== undefined && got !== d.value) score += 100;
  }
  const types = typesOf(s);
  if (value !== undefined && types.length && !typeMatches(types, value)) score += 50;
  if (isObject(value) && s.properties) {
    for (const k of Object.keys(value)) if (!(k in s.properties)) score += 10;
  }
  return score;
}

function typeMatches(types: string[], value: unknown): boolean {
  const t = jsonType(value);
  return types.includes(t) || (t === "integer" && types.includes("number"));
}

/** Which alternative a value most plausibly belongs to. */
export function matchVariant(variants: JSONSchema[], value: unknown, root: JSONSchema): number {
  let best = 0;
  let bestScore = Infinity;
  variants.forEach((v, i) => {
    // Ties (e.g. an empty object fits every alternative) go to the first one.
    const score = mismatch(v, value, root);
    if (score < bestScore) {
      best = i;
      bestScore = score;
    }
  });
  return best;
}

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function validDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function describeType(types: string[]): string {
  const names: Record<string, string> = {
    string: "text",
    number: "a number",
    integer: "a whole number",
    boolean: "true or false",
    object: "an object",
    array: "a list",
  };
  return types.map((t) => names[t] ?? t).join(" or ");
}

/**
 * Validates a value; returns messages keyed by dotted path ("" for the root).
 * The first problem at each path wins; alternatives are checked against the best-fitting one.
 */
export function validate(
  schema: JSONSchema,
  value: unknown,
  root: JSONSchema = schema,
  path: Path = [],
  errors: Errors = {},
): Errors {
  const add = (p: Path, msg: string) => {
    const k = pathKey(p);
    if (!(k in errors)) errors[k] = msg;
  };
  const s = resolve(schema, root);
  if (value === undefined) return errors;
  if (value === null) {
    const nullable =
      allowsNull(s) || (s.anyOf ?? s.oneOf ?? []).some((v) => resolve(v, root).type === "null");
    if (!nullable) add(path, "is required");
    return errors;
  }
  const vs = variantsOf(s);
  if (vs && vs.length) {
    const i = matchVariant(vs, value, root);
    validate(vs[i], value, root, path, errors);
  }
  if (s.const !== undefined && value !== s.const) {
    add(path, `must be ${JSON.stringify(s.const)}`);
    return errors;
  }
  if (s.enum && !s.enum.includes(value)) {
    add(path, `must be one of: ${s.enum.map(String).join(", ")}`);
    return errors;
  }
  const types = typesOf(s);
  if (types.length && !typeMatches(types, value)) {
    add(path, `must be ${describeType(types)}`);
    return errors;
  }
  if (typeof value === "string") {
    if (s.minLength !== undefined && value.length < s.minLength) {
      add(path, s.minLength === 1 ? "must not be empty" : `must be at least ${s.minLength} characters`);
    } else if (s.maxLength !== undefined && value.length > s.maxLength) {
      add(path, `must be at most ${s.maxLength} characters`);
    } else if (s.format === "date" && !validDate(value)) {
      add(path, "must be a date (YYYY-MM-DD)");
    } else if (s.format === "date-time" && !DATE_TIME.test(value)) {
      add(path, "must be a date and time with a time zone (ISO 8601)");
    } else if (s.pattern && !safeTest(s.pattern, value)) {
      add(path, s.pattern.length <= 40 ? `must match ${s.pattern}` : "has an invalid format");
    }
  } else if (typeof value === "number") {
    if (types.includes("integer") && !types.includes("number") && !Number.isInteger(value))
      add(path, "must be a whole number");
    else if (s.minimum !== undefined && value < s.minimum) add(path, `must be at least ${s.minimum}`);
    else if (s.maximum !== undefined && value > s.maximum) add(path, `must be at most ${s.maximum}`);
    else if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum)
      add(path, `must be greater than ${s.exclusiveMinimum}`);
    else if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum)
      add(path, `must be less than ${s.exclusiveMaximum}`);
  } else if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) {
      add(path, s.minItems === 1 ? "needs at least one item" : `needs at least ${s.minItems} items`);
    } else if (s.maxItems !== undefined && value.length > s.maxItems) {
      add(path, `takes at most ${s.maxItems} items`);
    }
    if (s.items)
      value.forEach((item, i) => validate(s.items as JSONSchema, item, root, [...path, i], errors));
  } else if (isObject(value)) {
    const props = s.properties ?? {};
    for (const k of s.required ?? []) {
      if (value[k] === undefined || value[k] === null) {
        if (!(value[k] === null && allowsNull(resolve(props[k] ?? {}, root))))
          add([...path, k], "is required");
      }
    }
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (props[k]) validate(props[k], v, root, [...path, k], errors);
      else if (isObject(s.additionalProperties)) {
        validate(s.additionalProperties, v, root, [...path, k], errors);
      } else if (s.additionalProperties === false) add([...path, k], `unknown field "${k}"`);
    }
  }
  return errors;
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, "u").test(value);
  } catch {
    try {
      return new RegExp(pattern).test(value);
    } catch {
      return true;
    }
  }
}

/** Drops empty strings, empty optional objects and undefined members before sending. */
export function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune).filter((v) => v !== undefined);
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p !== undefined) out[k] = p;
    }
    return out;
  }
  if (value === "") return undefined;
  return value;
}

/** Maps a server issue path onto a form path: params are sent under `params`, so that prefix goes. */
export function issueKey(path: string | null, prefix = "params"): string {
  if (!path) return "";
  if (path === prefix) return "";
  return path.startsWith(`${prefix}.`) ? path.slice(prefix.length + 1) : path;
}
