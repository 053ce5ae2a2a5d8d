import type {
  AuditEvent,
  AuditFilter,
  Me,
  MemberSummary,
  MembershipSummary,
  NewUser,
  Page,
  Role,
  UserSummary,
  UserWithPassword,
  WorkspaceSummary,
} from '@pipewright/nodes/contracts';
import { requestJson } from './http';

// The shapes the server answers and takes: the API contract's, inferred from its zod schemas.
export type {
  AuditEvent,
  AuditFilter,
  Me,
  MemberSummary,
  MembershipSummary,
  UserSummary,
  UserWithPassword,
  WorkspaceSummary,
};

export const getMe = (): Promise<Me> => requestJson('GET', '/auth/me');

export const switchWorkspace = (workspaceId: string): Promise<Me> =>
  requestJson('POST', '/auth/workspace', { workspaceId });

export const changeOwnPassword = (currentPassword: string, newPassword: string): Promise<void> =>
  requestJson('POST', '/auth/password', { currentPassword, newPassword });

export const listUsers = (): Promise<Page<UserSummary>> => requestJson('GET', '/users?limit=500');

export const createUser = (user: NewUser): Promise<UserWithPassword> => requestJson('POST', '/users', user);

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
