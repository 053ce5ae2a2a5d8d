import type { AuditAction } from '@pipewright/nodes';
import type { Role, SessionUser, WorkspaceAccess } from '../store/session-store';
import { requestJson } from './http';
import type { Page } from './pipelines';

/** Who I am and where I may work: `GET /auth/me`, and the answer of a workspace switch. */
export interface Me {
  user: SessionUser;
  workspaces: WorkspaceAccess[];
}

export interface MembershipSummary {
  workspaceId: string;
  workspaceName: string;
  role: Role;
}

/** An account as an admin sees it: its memberships in the workspaces that admin manages. */
export interface UserSummary {
  id: string;
  email: string;
  instanceAdmin: boolean;
  disabled: boolean;
  mustChangePassword: boolean;
  createdAt: string;
  memberships: MembershipSummary[];
}

/** A user just made, or whose password was reset: the generated password, answered this once. */
export type UserWithPassword = UserSummary & { oneTimePassword?: string };

export interface WorkspaceSummary {
  id: string;
  name: string;
  createdAt: string;
  /** The caller's role there. */
  role: Role;
  members: number;
}

export interface MemberSummary {
  userId: string;
  email: string;
  role: Role;
  instanceAdmin: boolean;
  disabled: boolean;
  since: string;
}

export interface AuditEvent {
  id: string;
  at: string;
  actor: { id: string | null; name: string };
  action: AuditAction;
  workspaceId: string | null;
  workspaceName: string | null;
  object: { type: string; id: string };
  details: Record<string, unknown>;
}

export interface AuditFilter {
  /** An action, or a family of them: `deployment.*`. */
  action?: string;
  /** A user's email (or id), or a system actor's name. */
  actor?: string;
  /** ISO timestamps. */
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}

export const getMe = (): Promise<Me> => requestJson('GET', '/auth/me');

export const switchWorkspace = (workspaceId: string): Promise<Me> =>
  requestJson('POST', '/auth/workspace', { workspaceId });

export const changeOwnPassword = (currentPassword: string, newPassword: string): Promise<void> =>
  requestJson('POST', '/auth/password', { currentPassword, newPassword });

export const listUsers = (): Promise<Page<UserSummary>> => requestJson('GET', '/users?limit=500');

export const createUser = (user: {
  email: string;
  role: Role;
  workspaceId: string;
  password?: string;
}): Promise<UserWithPassword> => requestJson('POST', '/users', user);

export const setUserDisabled = (id: string, disabled: boolean): Promise<UserSummary> =>
  requestJson('PATCH', `/users/${encodeURIComponent(id)}`, { disabled });

export const resetUserPassword = (id: string): Promise<UserWithPassword> =>
  requestJson('POST', `/users/${encodeURIComponent(id)}/password`);

export const listWorkspaces = (): Promise<Page<WorkspaceSummary>> => requestJson('GET', '/workspaces');

export const createWorkspace = (name: string): Promise<WorkspaceSummary> =>
  requestJson('POST', '/workspaces', { name });

export const renameWorkspace = (id: string, name: string): Promise<WorkspaceSummary> =>
  requestJson('PATCH', `/workspaces/${encodeURIComponent(id)}`, { name });

const membersPath = (workspaceId: string, userId?: string) =>
  `/workspaces/${encodeURIComponent(workspaceId)}/members${userId ? `/${encodeURIComponent(userId)}` : ''}`;

export const listMembers = (workspaceId: string): Promise<Page<MemberSummary>> =>
  requestJson('GET', membersPath(workspaceId));

export const addMember = (workspaceId: string, email: string, role: Role): Promise<MemberSummary> =>
  requestJson('POST', membersPath(workspaceId), { email, role });

export const changeMemberRole = (workspaceId: string, userId: string, role: Role): Promise<MemberSummary> =>
  requestJson('PATCH', membersPath(workspaceId, userId), { role });

export const removeMember = (workspaceId: string, userId: string): Promise<void> =>
  requestJson('DELETE', membersPath(workspaceId, userId));

export function listAuditEvents(filter: AuditFilter): Promise<Page<AuditEvent>> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value !== undefined && value !== '') query.set(key, String(value));
  }
  const search = query.toString();
  return requestJson('GET', `/audit${search ? `?${search}` : ''}`);
}
