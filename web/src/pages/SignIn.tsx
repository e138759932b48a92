import { useState, type FormEvent } from "react";
import { useSession } from "../core/session";

function authMessage(err: unknown): string {
  const code = (err as { code?: string }).code ?? "";
  if (
    code === "auth/invalid-credential" ||
    code === "auth/wrong-password" ||
    code === "auth/user-not-found"
  ) {
    return "That email and password do not match an account.";
  }
  if (code === "auth/too-many-requests") return "Too many attempts; wait a minute and try again.";
  if (code === "auth/network-request-failed")
    return "Could not reach the sign-in service. Check your connection (or that the emulators are running).";
  if (code === "auth/popup-closed-by-user") return "The Google sign-in window was closed before finishing.";
  return err instanceof Error ? err.message : String(err);
}

export function SignIn() {
  const { signIn, signInWithGoogle, emulated } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setPending(true);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      setError(authMessage(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <main className="signin" id="main">
      <div className="card signin__card">
        <h1>Sign in to CFAP</h1>
        <p className="muted">Causal Funnel Attribution Platform</p>
        {emulated ? (
          <p className="alert alert--info small">
            Local mode: sign-in uses the Auth emulator. The seed creates <code>demo@cfap.dev</code> /{" "}
            <code>demo-password</code>.
          </p>
        ) : null}
        {error ? (
          <div className="alert alert--error" role="alert">
            {error}
          </div>
        ) : null}
        <form onSubmit={submit}>
          <div className="field">
            <label htmlFor="email">Email</label>
            <input
              id="email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="password">Password</label>
            <input
              id="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <button type="submit" className="btn btn--primary btn--block" disabled={pending}>
            {pending ? "Signing in…" : "Sign in"}
          </button>
        </form>
        {!emulated ? (
          <>
            <div className="divider">or</div>
            <button
              type="button"
              className="btn btn--block"
              onClick={() => signInWithGoogle().catch((err) => setError(authMessage(err)))}
            >
              Sign in with Google
            </button>
          </>
        ) : null}
      </div>
    </main>
  );
}
