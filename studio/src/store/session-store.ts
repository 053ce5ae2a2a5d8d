import { create } from 'zustand';

export type Role = 'admin' | 'editor' | 'viewer';

/** Who is logged in, as the server's `GET /api/auth/me` says: the role is the one in the current workspace. */
export interface SessionUser {
  id: string;
  email: string;
  role: Role;
  /** The session's current workspace: everything the studio shows belongs to it. */
  workspaceId?: string;
  /** Makes workspaces and acts as admin in every one. */
  instanceAdmin?: boolean;
  /** The account still has its generated one-time password: the studio asks for a new one before anything else. */
  mustChangePassword?: boolean;
}

/** A workspace the user may switch to, with its role there. */
export interface WorkspaceAccess {
  id: string;
  name: string;
  role: Role;
}

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
