import type { ReactNode } from "react";

/** Label → value pairs shown inline under a result (a model's key facts); nothing when empty. */
export function FactsList({ facts }: { facts: ReadonlyArray<readonly [string, ReactNode]> }) {
  if (facts.length === 0) return null;
  return (
    <dl className="kv kv--inline">
      {facts.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
