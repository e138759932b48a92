import { NavLink, Outlet, useNavigate, useParams } from "react-router";
import { useSession } from "../core/session";
import { EmptyState, ErrorState, Skeleton } from "../components/ui";

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
          <button type="button" className="btn btn--small btn--ghost" onClick={() => signOut()}>
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
          <EmptyState title={`You are not a member of “${workspace}”`}>
            {workspaces.length ? (
              <p>
                Pick one of your workspaces from the switcher above
                {workspaces[0] ? (
                  <>
                    , or go to{" "}
                    <a
                      href={`/w/${workspaces[0].id}/runs`}
                      onClick={(e) => (e.preventDefault(), navigate(`/w/${workspaces[0].id}/runs`))}
                    >
                      {workspaces[0].name}
                    </a>
                  </>
                ) : null}
                .
              </p>
            ) : (
              <p>Your account has no workspace yet. Ask a workspace owner to add you.</p>
            )}
          </EmptyState>
        ) : (
          <Outlet />
        )}
      </main>
    </div>
  );
}
