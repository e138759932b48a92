/**
 * Helpers for integration tests running under `firebase emulators:exec` (see emulators/exec.mjs), which
 * sets FIRESTORE_EMULATOR_HOST, FIREBASE_AUTH_EMULATOR_HOST, … and CFAP_WAREHOUSE_URL.
 */
import { RemoteDuckDbWarehouse } from "../../src/warehouse/remote/remote-warehouse";

export const PROJECT = process.env.GCLOUD_PROJECT ?? "demo-cfap";
export const FUNCTIONS = `http://${process.env.FUNCTIONS_EMULATOR_HOST ?? "127.0.0.1:5001"}/${PROJECT}/us-central1`;
export const API = `${FUNCTIONS}/api`;
const AUTH = process.env.FIREBASE_AUTH_EMULATOR_HOST ?? "127.0.0.1:9099";
const FIRESTORE = process.env.FIRESTORE_EMULATOR_HOST ?? "127.0.0.1:8080";

export function requireEmulators(): void {
  for (const v of ["FIRESTORE_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST", "CFAP_WAREHOUSE_URL"]) {
    if (!process.env[v])
      throw new Error(`${v} is not set: run integration tests with node emulators/exec.mjs -- …`);
  }
}

export function warehouse(): RemoteDuckDbWarehouse {
  return new RemoteDuckDbWarehouse(process.env.CFAP_WAREHOUSE_URL!);
}

export async function signIn(email: string, password: string): Promise<string> {
  const res = await fetch(
    `http://${AUTH}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo-key`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password, returnSecureToken: true }),
    },
  );
  const body = (await res.json()) as { idToken?: string; error?: unknown };
  if (!body.idToken) throw new Error(`sign-in failed: ${JSON.stringify(body.error)}`);
  return body.idToken;
}

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  opts: {
    body?: unknown;
    raw?: string | Buffer;
    token?: string;
    apiKey?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { "content-type": "application/json", ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.apiKey) headers["x-api-key"] = opts.apiKey;
  const res = await fetch(`${API}${path}`, {
    method,
    headers,
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = { text };
  }
  return { status: res.status, body: body as T };
}

/** Reads a Firestore document through the emulator's REST API as a signed-in user (rules apply). */
export async function firestoreGetAsUser(path: string, token: string): Promise<number> {
  const res = await fetch(
    `http://${FIRESTORE}/v1/projects/${PROJECT}/databases/(default)/documents/${path}`,
    {
      headers: { authorization: `Bearer ${token}` },
    },
  );
  await res.text();
  return res.status;
}

export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  what = "condition",
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

export async function countEvents(
  workspaceId: string,
  where = "TRUE",
  params: Record<string, string> = {},
): Promise<number> {
  const { rows } = await warehouse().query<{ n: number }>({
    label: "test_count",
    sql: `SELECT COUNT(*) AS n FROM standard_events WHERE workspace_id = $w AND ${where}`,
    params: { w: workspaceId, ...params },
  });
  return Number(rows[0].n);
}
