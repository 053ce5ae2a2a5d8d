import { lazy, Suspense, useEffect } from 'react';
import { refreshSession } from './actions/switch-workspace';
import { AccountPage } from './people/AccountPage';
import { MembersPage } from './people/MembersPage';
import { UsersPage } from './people/UsersPage';
import { WorkspacesPage } from './people/WorkspacesPage';
import { DatasetsPage } from './pages/DatasetsPage';
import { DeploymentsPage } from './pages/DeploymentsPage';
import { ChangePasswordPage, LoginPage, useSession } from './pages/LoginPage';
import { PipelinesPage } from './pages/PipelinesPage';
import { TemplatesPage } from './pages/TemplatesPage';
import { PendingKeyReveals } from './panels/PendingKeyReveals';
import { useRoute, type Route } from './routing';
import { useSessionStore } from './store/session-store';

// The editor carries React Flow: it loads when a pipeline is opened.
const EditorPage = lazy(() => import('./pages/EditorPage'));
const RunsPage = lazy(() => import('./pages/RunsPage'));
const SchedulesPage = lazy(() => import('./pages/SchedulesPage'));
const AuditPage = lazy(() => import('./people/AuditPage').then((module) => ({ default: module.AuditPage })));

export function App() {
  return (
    <>
      <SignedIn />
      {/* Over whichever page is open: a new deployment's API key, read when the run that made it reports. */}
      <PendingKeyReveals />
    </>
  );
}

function SignedIn() {
  const route = useRoute();
  const { session, signedIn } = useSession();
  // Every page belongs to the session's workspace: switching it remounts them all, which read afresh.
  const workspaceId = useSessionStore((state) => state.user?.workspaceId);
  const signedInNow = session.state === 'signed-in';
  // Going to another page reads the user's workspaces and roles afresh: an admin may have changed them.
  useEffect(() => {
    if (signedInNow) refreshSession().catch(() => undefined);
  }, [route.page, signedInNow]);
  if (session.state === 'checking') return null;
  if (session.state === 'anonymous') return <LoginPage onSignedIn={signedIn} />;
  if (session.user.mustChangePassword) {
    return <ChangePasswordPage user={session.user} currentPassword={session.password} onChanged={signedIn} />;
  }
  return <CurrentPage key={workspaceId} route={route} />;
}

function CurrentPage({ route }: { route: Route }) {
  if (route.page === 'deployments') return <DeploymentsPage />;
  if (route.page === 'datasets') return <DatasetsPage />;
  if (route.page === 'templates') return <TemplatesPage />;
  if (route.page === 'schedules') {
    return (
      <Suspense fallback={<p className="pw-page pw-muted">Loading the schedules…</p>}>
        <SchedulesPage pipelineId={route.pipelineId} />
      </Suspense>
    );
  }
  if (route.page === 'users') return <UsersPage />;
  if (route.page === 'workspaces') return <WorkspacesPage />;
  if (route.page === 'members') return <MembersPage workspaceId={route.workspaceId} />;
  if (route.page === 'account') return <AccountPage />;
  if (route.page === 'audit') {
    return (
      <Suspense fallback={<p className="pw-page pw-muted">Loading the audit log…</p>}>
        <AuditPage />
      </Suspense>
    );
  }
  if (route.page === 'runs') {
    return (
      <Suspense fallback={<p className="pw-page pw-muted">Loading the runs…</p>}>
        <RunsPage pipelineId={route.pipelineId} />
      </Suspense>
    );
  }
  if (route.page === 'editor') {
    return (
      <Suspense fallback={<p className="pw-page pw-muted">Loading the editor…</p>}>
        <EditorPage pipelineId={route.pipelineId} />
      </Suspense>
    );
  }
  return <PipelinesPage />;
}
