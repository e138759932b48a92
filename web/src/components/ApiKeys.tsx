import { useState, type FormEvent } from "react";
import type { ApiKeyInfo, CreatedApiKey } from "../core/api";
import { errorMessage } from "../core/api";
import { formatDateTime } from "../core/format";
import { CopyButton, EmptyState } from "./ui";

export interface ApiKeysProps {
  keys: ApiKeyInfo[];
  onCreate(name: string): Promise<CreatedApiKey>;
  onRevoke(key: ApiKeyInfo): Promise<void>;
}

/** Create (the key is shown once, with a copy button), list and revoke workspace API keys. */
export function ApiKeys({ keys, onCreate, onRevoke }: ApiKeysProps) {
  const [name, setName] = useState("");
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);

  async function create(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) {
      setError("Give the key a name, e.g. “web tracker” or “nightly CSV export”.");
      return;
    }
    setPending(true);
    setError(null);
    try {
      setCreated(await onCreate(name.trim()));
      setName("");
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setPending(false);
    }
  }

  const sorted = [...keys].sort(
    (a, b) => (a.revoked_at ? 1 : 0) - (b.revoked_at ? 1 : 0) || b.created_at.localeCompare(a.created_at),
  );
  return (
    <div className="api-keys">
      <form className="inline-form" onSubmit={create} noValidate>
        <div className="field field--grow">
          <label htmlFor="api-key-name">New key name</label>
          <input
            id="api-key-name"
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "api-key-error" : undefined}
          />
        </div>
        <button type="submit" className="btn btn--primary" disabled={pending}>
          {pending ? "Creating…" : "Create key"}
        </button>
      </form>
      {error ? (
        <p className="field-error" id="api-key-error" role="alert">
          {error}
        </p>
      ) : null}
      {created ? (
        <div className="alert alert--success" role="status">
          <p>
            <strong>Key “{created.name}” created.</strong> Copy it now: it will not be shown again.
          </p>
          <div className="secret">
            <code data-testid="new-api-key">{created.api_key}</code>
            <CopyButton text={created.api_key} label="Copy key" />
          </div>
          <button type="button" className="btn btn--small btn--ghost" onClick={() => setCreated(null)}>
            I have saved it
          </button>
        </div>
      ) : null}
      {sorted.length === 0 ? (
        <EmptyState title="No API keys">
          Create one to send events from a server, a tag manager or the CLI.
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((k) => (
                <tr key={k.key_id} className={k.revoked_at ? "muted" : undefined}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{formatDateTime(k.created_at)}</td>
                  <td>{k.revoked_at ? `Revoked ${formatDateTime(k.revoked_at)}` : "Active"}</td>
                  <td className="actions">
                    {k.revoked_at ? null : confirming === k.key_id ? (
                      <>
                        <button
                          type="button"
                          className="btn btn--small btn--danger"
                          onClick={() => {
                            setConfirming(null);
                            onRevoke(k).catch((err) => setError(errorMessage(err)));
                          }}
                        >
                          Confirm revoke
                        </button>
                        <button
                          type="button"
                          className="btn btn--small btn--ghost"
                          onClick={() => setConfirming(null)}
                        >
                          Keep
                        </button>
                      </>
                    ) : (
                      <button
                        type="button"
                        className="btn btn--small"
                        onClick={() => setConfirming(k.key_id)}
                        aria-label={`Revoke ${k.name}`}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
