import type { Role, SessionUser, WorkspaceAccess } from '@pipewright/nodes/contracts';
import { create } from 'zustand';

// Who is logged in, their role in the current workspace and the workspaces they may switch to: the API
// contract's shapes (`GET /api/auth/me`), inferred from its zod schemas.
export type { Role, SessionUser, WorkspaceAccess };

interface SessionState {
  user: SessionUser | null;
  workspaces: WorkspaceAccess[];
  setSession(user: SessionUser | null, workspaces?: WorkspaceAccess[]): void;
}

/**
 * The signed-in user, readable by every page (the header's workspace
 * switcher, and the permission of each control) without threading it
 * through props. The app shell (useSession) is its only writer.
 */
export const useSessionStore = create<SessionState>((set) => ({
  user: null,
  workspaces: [],
  setSession: (user, workspaces) =>
    set((state) => ({ user, workspaces: workspaces ?? (user ? state.workspaces : []) })),
}));

/** The current workspace's name, or null before the server said. */
export function selectWorkspaceName(state: SessionState): string | null {
  return state.workspaces.find((workspace) => workspace.id === state.user?.workspaceId)?.name ?? null;
}
