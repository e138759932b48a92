import { z } from "zod";

/**
 * Every setting CFAP reads from the environment, in one validated object.
 * A bad value fails at start-up with the variable's name, never later in a request.
 */
const positiveInt = z.coerce.number().int().positive();

export const settingsSchema = z
  .object({
    CFAP_PROJECT_ID: z.string().min(1).default("demo-cfap"),
    CFAP_REGION: z.string().min(1).default("us-central1"),
    CFAP_WAREHOUSE: z.enum(["duckdb", "bigquery"]).default("duckdb"),
    /** DuckDB file used in-process (CLI, tests, the local warehouse server). */
    CFAP_DUCKDB_PATH: z.string().min(1).default(".cfap/warehouse.duckdb"),
    /** When set, functions reach the local DuckDB through the warehouse server (one writer process). */
    CFAP_WAREHOUSE_URL: z.url().optional(),
    CFAP_BQ_DATASET: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,1024}$/, "letters, digits and underscores only")
      .default("cfap"),
    CFAP_BQ_LOCATION: z.string().min(1).default("US"),
    /** Upper bound on bytes any single BigQuery query may bill (maximumBytesBilled). */
    CFAP_BQ_MAX_BYTES_BILLED: positiveInt.default(50 * 1024 ** 3),
    /** Local endpoint for the BigQuery API (tests only). */
    CFAP_BQ_API_ENDPOINT: z.url().optional(),
    CFAP_EVENTS_TOPIC: z.string().min(1).default("cfap-events"),
    CFAP_RUNS_TOPIC: z.string().min(1).default("cfap-run-requests"),
    CFAP_BUCKET: z.string().min(1).default("demo-cfap.appspot.com"),
    CFAP_MAX_BATCH_EVENTS: positiveInt.default(1000),
    CFAP_MAX_BODY_BYTES: positiveInt.default(1024 * 1024),
    /** Events whose timestamp is further in the future than this are rejected (client clock skew). */
    CFAP_MAX_FUTURE_SKEW_SECONDS: positiveInt.default(300),
    /** Events older than this are rejected (late data beyond any analysis window). */
    CFAP_MAX_EVENT_AGE_DAYS: positiveInt.default(400),
    /** File drops: decompressed bytes allowed per file, and the largest compression ratio (gzip bombs). */
    CFAP_MAX_FILE_BYTES: positiveInt.default(2 * 1024 ** 3),
    CFAP_MAX_GZIP_RATIO: positiveInt.default(200),
    CFAP_RUN_MAX_ATTEMPTS: positiveInt.default(3),
    CFAP_RUN_LEASE_SECONDS: positiveInt.default(540),
  })
  .superRefine((s, ctx) => {
    if (s.CFAP_WAREHOUSE === "bigquery" && s.CFAP_WAREHOUSE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["CFAP_WAREHOUSE_URL"],
        message: "only applies when CFAP_WAREHOUSE=duckdb",
      });
    }
  });

export type Settings = z.infer<typeof settingsSchema>;

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

/** Reads and validates the settings; throws a SettingsError naming each bad variable. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(settingsSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== "") picked[key] = value;
  }
  const parsed = settingsSchema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? "settings");
      return `${name}=${JSON.stringify(picked[name] ?? "")}: ${i.message}`;
    });
    throw new SettingsError(`Invalid CFAP settings:\n  ${lines.join("\n  ")}`);
  }
  return parsed.data;
}

let cached: Settings | undefined;
/** Settings for the running process, validated once. */
export function settings(): Settings {
  cached ??= loadSettings();
  return cached;
}
