import { lazy, Suspense } from 'react';
import { DatasetsPage } from './pages/DatasetsPage';
import { DeploymentsPage } from './pages/DeploymentsPage';
import { ChangePasswordPage, LoginPage, useSession } from './pages/LoginPage';
import { PipelinesPage } from './pages/PipelinesPage';
import { PendingKeyReveals } from './panels/PendingKeyReveals';
import { useRoute } from './routing';

// The editor carries React Flow: it loads when a pipeline is opened.
const EditorPage = lazy(() => import('./pages/EditorPage'));
const RunsPage = lazy(() => import('./pages/RunsPage'));

export function App() {
  return (
    <>
      <CurrentPage />
      {/* Over whichever page is open: a new deployment's API key, read when the run that made it reports. */}
      <PendingKeyReveals />
    </>
  );
}

function CurrentPage() {
  const route = useRoute();
  const { session, signedIn } = useSession();
  if (session.state === 'checking') return null;
  if (session.state === 'anonymous') return <LoginPage onSignedIn={signedIn} />;
  if (session.user.mustChangePassword) {
    return <ChangePasswordPage user={session.user} currentPassword={session.password} onChanged={signedIn} />;
  }
  if (route.page === 'deployments') return <DeploymentsPage role={session.user.role} />;
  if (route.page === 'datasets') return <DatasetsPage />;
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
