import { onSnapshot, type DocumentReference, type Query } from "firebase/firestore";
import { useEffect, useState } from "react";

export interface Live<T> {
  data: T | undefined;
  error: Error | null;
  loading: boolean;
}

/**
 * Live query: the documents (with their ids under `idField`) as they change.
 * Pass a memoised query (or null to wait); a new query object restarts the listener.
 */
export function useLiveQuery<T>(q: Query | null, idField = "id"): Live<T[]> {
  const [state, setState] = useState<Live<T[]>>({ data: undefined, error: null, loading: true });
  useEffect(() => {
    setState({ data: undefined, error: null, loading: true });
    if (!q) return;
    return onSnapshot(
      q,
      (snap) =>
        setState({
          data: snap.docs.map((d) => ({ [idField]: d.id, ...d.data() }) as T),
          error: null,
          loading: false,
        }),
      (error) => setState({ data: undefined, error, loading: false }),
    );
  }, [q, idField]);
  return state;
}

/** Live document: `null` data means it does not exist (or is not visible to you). */
export function useLiveDoc<T>(ref: DocumentReference | null): Live<T | null> {
  const [state, setState] = useState<Live<T | null>>({ data: undefined, error: null, loading: true });
  useEffect(() => {
    setState({ data: undefined, error: null, loading: true });
    if (!ref) return;
    return onSnapshot(
      ref,
      (snap) =>
        setState({ data: snap.exists() ? ({ ...snap.data() } as T) : null, error: null, loading: false }),
      (error) => setState({ data: undefined, error, loading: false }),
    );
  }, [ref]);
  return state;
}
