import { getMe, switchWorkspace as requestSwitch } from '../api/people';
import { navigate, parseRoute } from '../routing';
import { useSessionStore } from '../store/session-store';

/**
 * Moves the session to another of the user's workspaces. The server acts
 * there from the next request on; the app shell remounts every page for the
 * new workspace, and a page showing one object of the old one (a pipeline,
 * its runs, a member list) gives way to the pipelines list.
 */
export async function switchWorkspace(workspaceId: string): Promise<void> {
  const { user, workspaces } = await requestSwitch(workspaceId);
  const page = parseRoute(window.location.hash).page;
  if (page === 'editor' || page === 'runs' || page === 'members') navigate({ page: 'pipelines' }, { replace: true });
  useSessionStore.getState().setSession(user, workspaces);
}

/**
 * Reads who the user is and where they may work again: an admin may have
 * added them to a workspace, changed their role or made one since the login.
 */
export async function refreshSession(): Promise<void> {
  const { user, workspaces } = await getMe();
  if (useSessionStore.getState().user) useSessionStore.getState().setSession(user, workspaces);
}
