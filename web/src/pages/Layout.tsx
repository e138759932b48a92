import { Link, NavLink, Outlet, useNavigate, useParams } from "react-router";
import { useSession } from "../core/session";
import { ErrorState, Skeleton } from "../components/ui";

export const LAST_WORKSPACE_KEY = "cfap.workspace";

/** App chrome: skip link, brand, section nav, workspace switcher, account menu. */
export function Layout() {
  const { user, workspaces, workspacesError, signOut } = useSession();
  const { workspace = "" } = useParams();
  const navigate = useNavigate();
  const current = workspaces?.find((w) => w.id === workspace);

  return (
    <div className="app">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar__brand">
          <span className="logo" aria-hidden="true" />
          CFAP
        </div>
        <nav aria-label="Sections" className="topbar__nav">
          <NavLink to={`/w/${workspace}/runs`} end={false}>
            Runs
          </NavLink>
          <NavLink to={`/w/${workspace}/new`}>New analysis</NavLink>
          <NavLink to={`/w/${workspace}/ingestion`}>Ingestion</NavLink>
        </nav>
        <div className="topbar__right">
          <label htmlFor="workspace-switcher" className="visually-hidden">
            Workspace
          </label>
          <select
            id="workspace-switcher"
            value={current ? workspace : ""}
            disabled={!workspaces?.length}
            onChange={(e) => {
              localStorage.setItem(LAST_WORKSPACE_KEY, e.target.value);
              navigate(`/w/${e.target.value}/runs`);
            }}
          >
            {!current ? <option value="">{workspaces ? "Choose a workspace" : "Loading…"}</option> : null}
            {workspaces?.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
          <span className="topbar__user small muted" title={user?.email ?? undefined}>
            {user?.email}
          </span>
          <button
            type="button"
            className="btn btn--small btn--ghost"
            onClick={() => void signOut().then(() => navigate("/", { replace: true }))}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="content" tabIndex={-1}>
        {workspaces === undefined ? (
          <Skeleton lines={4} label="Loading your workspaces" />
        ) : workspacesError ? (
          <ErrorState
            title="Could not load your workspaces"
            error={workspacesError}
            onRetry={() => location.reload()}
          />
        ) : !current ? (
          <div className="alert alert--error access-denied" role="alert" data-testid="access-denied">
            <h1>You do not have access to “{workspace}”</h1>
            <p>
              Your account is not a member of this workspace, so none of its runs, results or data are shown
              (the database refuses them too). Ask a workspace owner to add you.
            </p>
            {workspaces.length ? (
              <p>
                Go to{" "}
                {workspaces.map((w, i) => (
                  <span key={w.id}>
                    {i ? ", " : null}
                    <Link to={`/w/${w.id}/runs`}>{w.name}</Link>
                  </span>
                ))}
                , or pick a workspace from the switcher above.
              </p>
            ) : (
              <p>Your account has no workspace yet.</p>
            )}
          </div>
        ) : (
          <Outlet />
        )}
      </main>
    </div>
  );
}
