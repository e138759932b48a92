import {
  GoogleAuthProvider,
  onAuthStateChanged,
  signInWithEmailAndPassword,
  signInWithPopup,
  signOut as fbSignOut,
  type User,
} from "firebase/auth";
import { doc, onSnapshot } from "firebase/firestore";
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { ApiClient } from "./api";
import { firebase } from "./firebase";

export interface WorkspaceRef {
  id: string;
  name: string;
}

export interface Session {
  /** undefined while Firebase restores the session; null when signed out. */
  user: User | null | undefined;
  /** The workspaces listed in users/{uid}; undefined while loading. */
  workspaces: WorkspaceRef[] | undefined;
  workspacesError: Error | null;
  emulated: boolean;
  api: ApiClient;
  signIn(email: string, password: string): Promise<void>;
  signInWithGoogle(): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside <SessionProvider>");
  return s;
}

function parseWorkspaces(data: unknown): WorkspaceRef[] {
  const list = (data as { workspaces?: unknown } | undefined)?.workspaces;
  if (!Array.isArray(list)) return [];
  return list
    .filter((w): w is { id: string; name?: unknown } => !!w && typeof (w as { id?: unknown }).id === "string")
    .map((w) => ({ id: w.id, name: typeof w.name === "string" && w.name ? w.name : w.id }));
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const fb = firebase();
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [workspaces, setWorkspaces] = useState<WorkspaceRef[] | undefined>(undefined);
  const [workspacesError, setWorkspacesError] = useState<Error | null>(null);

  useEffect(() => onAuthStateChanged(fb.auth, setUser), [fb.auth]);

  useEffect(() => {
    setWorkspaces(undefined);
    setWorkspacesError(null);
    if (!user) return;
    return onSnapshot(
      doc(fb.db, "users", user.uid),
      (snap) => setWorkspaces(parseWorkspaces(snap.data())),
      (err) => {
        setWorkspacesError(err);
        setWorkspaces([]);
      },
    );
  }, [fb.db, user]);

  const api = useMemo(
    () =>
      new ApiClient({
        getToken: async () => (fb.auth.currentUser ? fb.auth.currentUser.getIdToken() : null),
      }),
    [fb.auth],
  );

  const value = useMemo<Session>(
    () => ({
      user,
      workspaces,
      workspacesError,
      emulated: fb.emulated,
      api,
      async signIn(email, password) {
        await signInWithEmailAndPassword(fb.auth, email, password);
      },
      async signInWithGoogle() {
        await signInWithPopup(fb.auth, new GoogleAuthProvider());
      },
      async signOut() {
        await fbSignOut(fb.auth);
      },
    }),
    [user, workspaces, workspacesError, fb, api],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
