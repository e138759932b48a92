import { useMemo, useState, type FormEvent } from "react";
import { ApiRequestError, errorMessage } from "../core/api";
import {
  defaultValue,
  humanize,
  issueKey,
  prune,
  pathKey,
  setIn,
  validate,
  type Errors,
  type JSONSchema,
  type Path,
} from "../core/jsonschema";
import { SchemaForm } from "./SchemaForm";

export interface AnalysisFormProps {
  schema: JSONSchema;
  initialValue?: unknown;
  /** Sends the (pruned) params; throw an ApiRequestError with issues to have them shown by field. */
  onSubmit(params: Record<string, unknown>): Promise<void>;
  submitLabel?: string;
  idPrefix?: string;
}

const describePath = (key: string) =>
  key
    ? key
        .split(".")
        .map((p) => (/^\d+$/.test(p) ? `#${Number(p) + 1}` : humanize(p)))
        .join(" › ")
    : "Parameters";

/**
 * The parameter form with its behaviour: client-side validation (shown once a field is left or after a
 * submit attempt), server 400 issues mapped onto fields by path, and a summary that links to each problem.
 */
export function AnalysisForm({
  schema,
  initialValue,
  onSubmit,
  submitLabel = "Run analysis",
  idPrefix = "params",
}: AnalysisFormProps) {
  const [value, setValue] = useState<unknown>(() => initialValue ?? defaultValue(schema, schema) ?? {});
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Errors>({});
  const [serverMessage, setServerMessage] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const clientErrors = useMemo(() => validate(schema, prune(value) ?? {}, schema), [schema, value]);
  const shown: Errors = {};
  for (const [k, msg] of Object.entries(clientErrors)) {
    if (submitted || touched.has(k)) shown[k] = msg;
  }
  Object.assign(shown, serverErrors);

  const onChange = (path: Path, next: unknown) => {
    setValue((v: unknown) => setIn(v, path, next));
    const key = pathKey(path);
    setServerErrors((errs) => {
      const out: Errors = {};
      for (const [k, msg] of Object.entries(errs)) {
        if (k !== key && !k.startsWith(`${key}.`) && !(key.startsWith(`${k}.`) && k !== "")) out[k] = msg;
      }
      return out;
    });
  };

  const focusFirstProblem = (errors: Errors) => {
    const first = Object.keys(errors)[0];
    if (first === undefined) return;
    const el = document.querySelector<HTMLElement>(
      `[data-path="${first.replace(/["\\]/g, "\\$&")}"] :is(input, select, textarea)`,
    );
    el?.focus();
  };

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    setServerMessage(null);
    if (Object.keys(clientErrors).length > 0) {
      focusFirstProblem(clientErrors);
      return;
    }
    setPending(true);
    try {
      await onSubmit((prune(value) ?? {}) as Record<string, unknown>);
      setServerErrors({});
    } catch (err) {
      if (err instanceof ApiRequestError && err.issues.length) {
        const mapped: Errors = {};
        for (const issue of err.issues) {
          const k = issueKey(issue.path);
          if (!(k in mapped)) mapped[k] = issue.reason;
        }
        setServerErrors(mapped);
        setServerMessage("The server rejected some parameters; see the highlighted fields.");
        focusFirstProblem(mapped);
      } else {
        setServerMessage(errorMessage(err));
      }
    } finally {
      setPending(false);
    }
  }

  const problems = Object.entries(shown);
  return (
    <form
      className="analysis-form"
      noValidate
      onSubmit={handleSubmit}
      onBlur={(e) => {
        const name = (e.target as unknown as { name?: string }).name;
        if (name !== undefined && name !== "" && !touched.has(name)) setTouched((t) => new Set(t).add(name));
      }}
    >
      {serverMessage ? (
        <div className="alert alert--error" role="alert">
          {serverMessage}
        </div>
      ) : null}
      {submitted && problems.length > 0 ? (
        <div className="alert alert--error" role="alert" aria-label="Problems with the parameters">
          <p>{problems.length === 1 ? "1 problem" : `${problems.length} problems`} to fix before running:</p>
          <ul>
            {problems.map(([k, msg]) => (
              <li key={k}>
                <strong>{describePath(k)}</strong>: {msg}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <SchemaForm
        schema={schema}
        value={value}
        onChange={onChange}
        errors={shown}
        idPrefix={idPrefix}
        disabled={pending}
      />
      <div className="form-actions">
        <button type="submit" className="btn btn--primary" disabled={pending}>
          {pending ? "Starting…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
