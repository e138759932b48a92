import { lazy, Suspense, type ReactNode } from "react";
import { Navigate, Route, Routes } from "react-router";
import { Skeleton } from "./components/ui";
import { useSession } from "./core/session";
import { LAST_WORKSPACE_KEY, Layout } from "./pages/Layout";
import { RunsPage } from "./pages/Runs";
import { SignIn } from "./pages/SignIn";

// Pages with charts (recharts) or the form load on demand; the runs list is the landing page.
const RunDetailPage = lazy(() => import("./pages/RunDetail").then((m) => ({ default: m.RunDetailPage })));
const NewAnalysisPage = lazy(() =>
  import("./pages/NewAnalysis").then((m) => ({ default: m.NewAnalysisPage })),
);
const IngestionPage = lazy(() => import("./pages/Ingestion").then((m) => ({ default: m.IngestionPage })));

const page = (el: ReactNode) => (
  <Suspense fallback={<Skeleton lines={6} label="Loading page" />}>{el}</Suspense>
);

/** `/` goes to the last workspace used (if still yours), else the first. */
function Home() {
  const { workspaces } = useSession();
  if (workspaces === undefined) return <Skeleton lines={3} label="Loading your workspaces" />;
  const last = localStorage.getItem(LAST_WORKSPACE_KEY);
  const target = workspaces.find((w) => w.id === last) ?? workspaces[0];
  if (!target) {
    return (
      <main className="content" id="main">
        <div className="empty">
          <h1>No workspace yet</h1>
          <p className="muted">
            Your account is not a member of any workspace. Ask a workspace owner to add you.
          </p>
        </div>
      </main>
    );
  }
  return <Navigate to={`/w/${target.id}/runs`} replace />;
}

export function App() {
  const { user } = useSession();
  if (user === undefined) {
    return (
      <main className="content" id="main">
        <Skeleton lines={3} label="Checking your session" />
      </main>
    );
  }
  if (user === null) return <SignIn />;
  return (
    <Routes>
      <Route path="/" element={<Home />} />
      <Route path="/w/:workspace" element={<Layout />}>
        <Route index element={<Navigate to="runs" replace />} />
        <Route path="runs" element={<RunsPage />} />
        <Route path="runs/:jobId" element={page(<RunDetailPage />)} />
        <Route path="new" element={page(<NewAnalysisPage />)} />
        <Route path="ingestion" element={page(<IngestionPage />)} />
      </Route>
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}
