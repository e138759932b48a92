import { createContext, useContext, useEffect, useId, useState, type ReactNode } from "react";
import {
  defaultValue,
  defaultVariant,
  humanize,
  isObject,
  matchVariant,
  pathKey,
  resolve,
  typesOf,
  unwrap,
  variantLabel,
  variantsOf,
  type Errors,
  type JSONSchema,
  type Path,
} from "../core/jsonschema";

/**
 * A form generated from a JSON Schema: strings, numbers, enums (selects), booleans, lists of strings
 * (comma-separated), records (one "key = value" per line), nested objects (fieldsets, optional ones behind
 * a checkbox), lists of objects (add/remove), anyOf alternatives (a chooser), and raw JSON for the rest.
 * Errors are keyed by dotted path and shown next to the field they belong to.
 */
interface FormCtx {
  root: JSONSchema;
  errors: Errors;
  idPrefix: string;
  onChange(path: Path, value: unknown): void;
  variants: Record<string, number>;
  chooseVariant(path: Path, index: number): void;
  disabled: boolean;
}

const Ctx = createContext<FormCtx | null>(null);
const useForm = () => useContext(Ctx)!;

export function fieldId(idPrefix: string, path: Path): string {
  return `${idPrefix}-${
    path.length
      ? path
          .map(String)
          .join("-")
          .replace(/[^A-Za-z0-9_-]/g, "_")
      : "root"
  }`;
}

export interface SchemaFormProps {
  schema: JSONSchema;
  value: unknown;
  onChange(path: Path, value: unknown): void;
  errors?: Errors;
  idPrefix?: string;
  disabled?: boolean;
}

export function SchemaForm({
  schema,
  value,
  onChange,
  errors = {},
  idPrefix,
  disabled = false,
}: SchemaFormProps) {
  const autoId = useId().replace(/:/g, "");
  const [variants, setVariants] = useState<Record<string, number>>({});
  const ctx: FormCtx = {
    root: schema,
    errors,
    idPrefix: idPrefix ?? `f${autoId}`,
    onChange,
    variants,
    chooseVariant: (path, index) => setVariants((v) => ({ ...v, [pathKey(path)]: index })),
    disabled,
  };
  return (
    <Ctx.Provider value={ctx}>
      <div className="schema-form">
        <Node schema={schema} path={[]} value={value} label="" required />
      </div>
    </Ctx.Provider>
  );
}

interface NodeProps {
  schema: JSONSchema;
  path: Path;
  value: unknown;
  label: string;
  required: boolean;
  /** Inside an alternative chooser: an object renders its fields without another fieldset. */
  bare?: boolean;
}

function Node(props: NodeProps) {
  const { root } = useForm();
  const s = unwrap(props.schema, root);
  if (s.const !== undefined) return null; // fixed by the schema; set with the defaults
  const variants = variantsOf(s);
  if (variants && variants.length > 1) return <VariantField {...props} schema={s} variants={variants} />;
  const types = typesOf(s);
  if (s.enum) return <EnumField {...props} schema={s} />;
  if (types.includes("object")) {
    if (s.properties) return <ObjectField {...props} schema={s} />;
    if (isObject(s.additionalProperties)) return <RecordField {...props} schema={s} />;
    return <JsonField {...props} schema={s} />;
  }
  if (types.includes("array")) {
    const items = s.items ? unwrap(s.items, root) : {};
    const itemTypes = typesOf(items);
    if (items.enum || itemTypes.some((t) => t === "string" || t === "number" || t === "integer")) {
      if (!itemTypes.includes("object")) return <ListField {...props} schema={s} items={items} />;
    }
    if (itemTypes.includes("object")) return <ObjectListField {...props} schema={s} items={items} />;
    return <JsonField {...props} schema={s} />;
  }
  if (types.length === 1 && types[0] === "boolean") return <BooleanField {...props} schema={s} />;
  if (types.includes("number") || types.includes("integer")) return <NumberField {...props} schema={s} />;
  if (types.includes("string")) return <StringField {...props} schema={s} />;
  return <JsonField {...props} schema={s} />;
}

function FieldShell({
  path,
  label,
  required,
  schema,
  children,
  inputId,
}: {
  path: Path;
  label: string;
  required: boolean;
  schema: JSONSchema;
  children: ReactNode;
  inputId: string;
}) {
  const { errors } = useForm();
  const error = errors[pathKey(path)];
  return (
    <div className={`field${error ? " field--invalid" : ""}`} data-path={pathKey(path)}>
      <label htmlFor={inputId}>
        {label || "Value"}
        {required ? (
          <span className="required" aria-hidden="true">
            {" "}
            *
          </span>
        ) : (
          <span className="optional"> (optional)</span>
        )}
      </label>
      {children}
      {schema.description ? (
        <p className="hint" id={`${inputId}-hint`}>
          {schema.description}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${inputId}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** aria attributes tying an input to its hint and error. */
function useAria(path: Path, schema: JSONSchema, id: string) {
  const { errors } = useForm();
  const error = errors[pathKey(path)];
  const describedBy = [schema.description ? `${id}-hint` : null, error ? `${id}-error` : null]
    .filter(Boolean)
    .join(" ");
  return {
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy || undefined,
  } as const;
}

function StringField({ schema, path, value, label, required }: NodeProps) {
  const f = useForm();
  const id = fieldId(f.idPrefix, path);
  const aria = useAria(path, schema, id);
  const type = schema.format === "date" ? "date" : schema.format === "email" ? "email" : "text";
  return (
    <FieldShell path={path} label={label} required={required} schema={schema} inputId={id}>
      <input
        id={id}
        name={pathKey(path)}
        type={type}
        value={typeof value === "string" ? value : ""}
        required={required}
        disabled={f.disabled}
        maxLength={schema.maxLength}
        onChange={(e) => f.onChange(path, e.target.value === "" ? undefined : e.target.value)}
        {...aria}
      />
    </FieldShell>
  );
}

/** Number inputs keep their own text so "0." or "-" can be typed before they parse. */
function NumberField({ schema, path, value, label, required }: NodeProps) {
  const f = useForm();
  const id = fieldId(f.idPrefix, path);
  const aria = useAria(path, schema, id);
  const integer = typesOf(schema).includes("integer") && !typesOf(schema).includes("number");
  const [raw, setRaw] = useState(typeof value === "number" ? String(value) : "");
  useEffect(() => {
    if (typeof value === "number" && Number(raw) !== value) setRaw(String(value));
    if (value === undefined && raw.trim() !== "" && Number.isFinite(Number(raw))) setRaw("");
  }, [value]);
  return (
    <FieldShell path={path} label={label} required={required} schema={schema} inputId={id}>
      <input
        id={id}
        name={pathKey(path)}
        type="text"
        inputMode={integer ? "numeric" : "decimal"}
        value={raw}
        required={required}
        disabled={f.disabled}
        onChange={(e) => {
          const text = e.target.value;
          setRaw(text);
          const n = Number(text);
          if (text.trim() === "") f.onChange(path, undefined);
          else f.onChange(path, Number.isFinite(n) ? n : text); // a non-number is kept so validation flags it
        }}
        {...aria}
      />
    </FieldShell>
  );
}

function EnumField({ schema, path, value, label, required }: NodeProps) {
  const f = useForm();
  const id = fieldId(f.idPrefix, path);
  const aria = useAria(path, schema, id);
  const options = schema.enum ?? [];
  const index = options.findIndex((o) => o === value);
  return (
    <FieldShell path={path} label={label} required={required} schema={schema} inputId={id}>
      <select
        id={id}
        name={pathKey(path)}
        value={index < 0 ? "" : String(index)}
        required={required}
        disabled={f.disabled}
        onChange={(e) =>
          f.onChange(path, e.target.value === "" ? undefined : options[Number(e.target.value)])
        }
        {...aria}
      >
        <option value="">{required ? "Choose…" : "(default)"}</option>
        {options.map((o, i) => (
          <option key={i} value={String(i)}>
            {String(o)}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

function BooleanField({ schema, path, value, label, required }: NodeProps) {
  const f = useForm();
  const id = fieldId(f.idPrefix, path);
  const aria = useAria(path, schema, id);
  const error = f.errors[pathKey(path)];
  return (
    <div className={`field field--checkbox${error ? " field--invalid" : ""}`} data-path={pathKey(path)}>
      <input
        id={id}
        name={pathKey(path)}
        type="checkbox"
        checked={value === true}
        disabled={f.disabled}
        onChange={(e) => f.onChange(path, e.target.checked)}
        {...aria}
      />
      <label htmlFor={id}>
        {label}
        {required ? null : <span className="optional"> (optional)</span>}
      </label>
      {schema.description ? (
        <p className="hint" id={`${id}-hint`}>
          {schema.description}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

const splitList = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");

/** A list of strings (or numbers) typed as "a, b, c". */
function ListField({ schema, path, value, label, required, items }: NodeProps & { items: JSONSchema }) {
  const f = useForm();
  const id = fieldId(f.idPrefix, path);
  const aria = useAria(path, schema, id);
  const numeric = !typesOf(items).includes("string") && !items.enum;
  const list = Array.isArray(value) ? value.map(String) : [];
  const [raw, setRaw] = useState(list.join(", "));
  useEffect(() => {
    if (splitList(raw).join("\u0000") !== list.join("\u0000")) setRaw(list.join(", "));
  }, [value]);
  const itemErrors = Object.entries(f.errors)
    .filter(([k]) => k.startsWith(`${pathKey(path)}.`))
    .map(([k, msg]) => `item ${Number(k.slice(pathKey(path).length + 1).split(".")[0]) + 1} ${msg}`);
  const allowed = items.enum ? ` One or more of: ${items.enum.map(String).join(", ")}.` : "";
  return (
    <FieldShell path={path} label={label} required={required} schema={schema} inputId={id}>
      <input
        id={id}
        name={pathKey(path)}
        type="text"
        value={raw}
        disabled={f.disabled}
        onChange={(e) => {
          setRaw(e.target.value);
          const parts = splitList(e.target.value);
          if (parts.length === 0) f.onChange(path, undefined);
          else
            f.onChange(
              path,
              numeric ? parts.map((p) => (Number.isFinite(Number(p)) ? Number(p) : p)) : parts,
            );
        }}
        {...aria}
      />
      <p className="hint">Separate values with commas.{allowed}</p>
      {itemErrors.length ? <p className="field-error">{itemErrors.join("; ")}</p> : null}
    </FieldShell>
  );
}

/** A record (additionalProperties) typed as one "key = value" per line. */
function RecordField({ schema, path, value, label, required }: NodeProps) {
  const f = useForm();
  const id = fieldId(f.idPrefix, path);
  const aria = useAria(path, schema, id);
  const valueSchema = isObject(schema.additionalProperties)
    ? unwrap(schema.additionalProperties, f.root)
    : {};
  const stringValues = typesOf(valueSchema).includes("string");
  const toText = (v: unknown) =>
    isObject(v)
      ? Object.entries(v)
          .map(([k, x]) => `${k} = ${typeof x === "string" ? x : JSON.stringify(x)}`)
          .join("\n")
      : "";
  const parse = (text: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const line of text.split("\n")) {
      const m = /^\s*([^=]+?)\s*=\s*(.*?)\s*$/.exec(line);
      if (!m) continue;
      let v: unknown = m[2];
      if (!stringValues) {
        try {
          v = JSON.parse(m[2]);
        } catch {
          v = m[2];
        }
      }
      out[m[1]] = v;
    }
    return out;
  };
  const [raw, setRaw] = useState(toText(value));
  useEffect(() => {
    if (JSON.stringify(parse(raw)) !== JSON.stringify(isObject(value) ? value : {})) setRaw(toText(value));
  }, [value]);
  const entryErrors = Object.entries(f.errors)
    .filter(([k]) => k.startsWith(`${pathKey(path)}.`))
    .map(([k, msg]) => `${k.slice(pathKey(path).length + 1)}: ${msg}`);
  return (
    <FieldShell path={path} label={label} required={required} schema={schema} inputId={id}>
      <textarea
        id={id}
        name={pathKey(path)}
        rows={3}
        value={raw}
        disabled={f.disabled}
        placeholder={valueSchema.format === "date" ? "unit_a = 2024-03-01" : "key = value"}
        onChange={(e) => {
          setRaw(e.target.value);
          f.onChange(path, parse(e.target.value));
        }}
        {...aria}
      />
      <p className="hint">One entry per line, as “key = value”.</p>
      {entryErrors.length ? <p className="field-error">{entryErrors.join("; ")}</p> : null}
    </FieldShell>
  );
}

/** Anything the form cannot lay out: edited as JSON. */
function JsonField({ schema, path, value, label, required }: NodeProps) {
  const f = useForm();
  const id = fieldId(f.idPrefix, path);
  const aria = useAria(path, schema, id);
  const [raw, setRaw] = useState(value === undefined ? "" : JSON.stringify(value, null, 2));
  const [parseError, setParseError] = useState<string | null>(null);
  return (
    <FieldShell path={path} label={label} required={required} schema={schema} inputId={id}>
      <textarea
        id={id}
        name={pathKey(path)}
        rows={4}
        className="mono"
        value={raw}
        disabled={f.disabled}
        onChange={(e) => {
          setRaw(e.target.value);
          if (e.target.value.trim() === "") {
            setParseError(null);
            f.onChange(path, undefined);
            return;
          }
          try {
            f.onChange(path, JSON.parse(e.target.value));
            setParseError(null);
          } catch {
            setParseError("not valid JSON yet");
          }
        }}
        {...aria}
      />
      <p className="hint">JSON.{parseError ? ` ${parseError}.` : ""}</p>
    </FieldShell>
  );
}

function ObjectField({ schema, path, value, label, required, bare }: NodeProps) {
  const f = useForm();
  const id = fieldId(f.idPrefix, path);
  const requiredKeys = new Set(schema.required ?? []);
  const present = value !== undefined || required || !!bare || path.length === 0;
  const error = f.errors[pathKey(path)];
  const entries = Object.entries(schema.properties ?? {});
  const visible = entries.filter(([, p]) => resolve(p, f.root).const === undefined);
  const body = present ? (
    <div className="fieldset-body">
      {visible.map(([k, p]) => (
        <Node
          key={k}
          schema={p}
          path={[...path, k]}
          value={isObject(value) ? value[k] : undefined}
          label={resolve(p, f.root).title ?? humanize(k)}
          required={requiredKeys.has(k)}
        />
      ))}
    </div>
  ) : null;

  if (path.length === 0 || bare) {
    return (
      <div data-path={bare ? undefined : ""}>
        {error && !bare ? <p className="field-error">{error}</p> : null}
        {body}
      </div>
    );
  }
  if (visible.length === 0) return null;
  return (
    <fieldset className={`fieldset${error ? " field--invalid" : ""}`} data-path={pathKey(path)} id={id}>
      <legend>
        {label}
        {required ? null : <span className="optional"> (optional)</span>}
      </legend>
      {schema.description ? <p className="hint">{schema.description}</p> : null}
      {!required ? (
        <div className="field field--checkbox">
          <input
            id={`${id}-include`}
            type="checkbox"
            checked={present}
            disabled={f.disabled}
            onChange={(e) =>
              f.onChange(path, e.target.checked ? (defaultValue(schema, f.root) ?? {}) : undefined)
            }
          />
          <label htmlFor={`${id}-include`}>Include {label.toLowerCase()}</label>
        </div>
      ) : null}
      {error ? <p className="field-error">{error}</p> : null}
      {body}
    </fieldset>
  );
}

function ObjectListField({ schema, path, value, label, required, items }: NodeProps & { items: JSONSchema }) {
  const f = useForm();
  const id = fieldId(f.idPrefix, path);
  const list = Array.isArray(value) ? value : [];
  const error = f.errors[pathKey(path)];
  const canAdd = schema.maxItems === undefined || list.length < schema.maxItems;
  return (
    <fieldset className={`fieldset${error ? " field--invalid" : ""}`} data-path={pathKey(path)} id={id}>
      <legend>
        {label}
        {required ? null : <span className="optional"> (optional)</span>}
      </legend>
      {schema.description ? <p className="hint">{schema.description}</p> : null}
      {error ? <p className="field-error">{error}</p> : null}
      {list.length === 0 ? <p className="muted">None yet.</p> : null}
      {list.map((item, i) => (
        <div className="list-item" key={i}>
          <Node schema={items} path={[...path, i]} value={item} label={`${label} ${i + 1}`} required />
          <button
            type="button"
            className="btn btn--small btn--ghost"
            disabled={f.disabled}
            onClick={() => {
              const next = list.filter((_, j) => j !== i);
              f.onChange(path, next.length ? next : undefined);
            }}
          >
            Remove {label.toLowerCase()} {i + 1}
          </button>
        </div>
      ))}
      {canAdd ? (
        <button
          type="button"
          className="btn btn--small"
          disabled={f.disabled}
          onClick={() => f.onChange(path, [...list, defaultValue(items, f.root) ?? {}])}
        >
          Add {label.toLowerCase()}
        </button>
      ) : null}
    </fieldset>
  );
}

function VariantField({
  schema,
  path,
  value,
  label,
  required,
  variants,
}: NodeProps & { variants: JSONSchema[] }) {
  const f = useForm();
  const id = fieldId(f.idPrefix, path);
  const chosen =
    f.variants[pathKey(path)] ??
    (value === undefined ? defaultVariant(variants, f.root) : matchVariant(variants, value, f.root));
  const error = f.errors[pathKey(path)];
  const selectId = `${id}-variant`;
  const optional = !required && path.length > 0;
  const present = value !== undefined || required || path.length === 0;
  return (
    <fieldset
      className={`fieldset fieldset--variant${error ? " field--invalid" : ""}`}
      data-path={pathKey(path)}
      id={`${id}-group`}
    >
      {path.length > 0 ? (
        <legend>
          {label}
          {optional ? <span className="optional"> (optional)</span> : null}
        </legend>
      ) : null}
      {schema.description ? <p className="hint">{schema.description}</p> : null}
      <div className="field">
        <label htmlFor={selectId}>{path.length ? `${label}: type` : "Input type"}</label>
        <select
          id={selectId}
          value={present ? String(chosen) : ""}
          disabled={f.disabled}
          onChange={(e) => {
            if (e.target.value === "") {
              f.onChange(path, undefined);
              return;
            }
            const i = Number(e.target.value);
            f.chooseVariant(path, i);
            f.onChange(path, defaultValue(variants[i], f.root));
          }}
        >
          {optional ? <option value="">(none)</option> : null}
          {variants.map((v, i) => (
            <option key={i} value={String(i)}>
              {variantLabel(v, f.root, i)}
            </option>
          ))}
        </select>
      </div>
      {error ? <p className="field-error">{error}</p> : null}
      {present ? (
        <Node schema={variants[chosen]} path={path} value={value} label={label} required={required} bare />
      ) : null}
    </fieldset>
  );
}
