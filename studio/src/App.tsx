import { lazy, Suspense } from 'react';
import { DatasetsPage } from './pages/DatasetsPage';
import { DeploymentsPage } from './pages/DeploymentsPage';
import { ChangePasswordPage, LoginPage, useSession } from './pages/LoginPage';
import { PipelinesPage } from './pages/PipelinesPage';
import { TemplatesPage } from './pages/TemplatesPage';
import { useRoute } from './routing';

// The editor carries React Flow: it loads when a pipeline is opened.
const EditorPage = lazy(() => import('./pages/EditorPage'));
const RunsPage = lazy(() => import('./pages/RunsPage'));
const SchedulesPage = lazy(() => import('./pages/SchedulesPage'));

export function App() {
  const route = useRoute();
  const { session, signedIn } = useSession();
  if (session.state === 'checking') return null;
  if (session.state === 'anonymous') return <LoginPage onSignedIn={signedIn} />;
  if (session.user.mustChangePassword) {
    return <ChangePasswordPage user={session.user} currentPassword={session.password} onChanged={signedIn} />;
  }
  if (route.page === 'deployments') return <DeploymentsPage role={session.user.role} />;
  if (route.page === 'datasets') return <DatasetsPage />;
  if (route.page === 'templates') return <TemplatesPage />;
  if (route.page === 'schedules') {
    return (
      <Suspense fallback={<p className="pw-page pw-muted">Loading the schedules…</p>}>
        <SchedulesPage pipelineId={route.pipelineId} />
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
