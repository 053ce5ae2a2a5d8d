import { SetMetadata } from '@nestjs/common';
import type { Role } from '@pipewright/nodes/contracts';

// The roles a member may have: the API contract's.
export { ROLES, type Role } from '@pipewright/nodes/contracts';

/**
 * Who is calling: the user a session belongs to, as it acts now — in the
 * session's current workspace (`workspaceId`) with its role there (`role`).
 * Every workspace and role check reads these two, so switching workspace
 * changes what a session may reach and nothing else needs to know.
 */
export interface Caller {
  id: string;
  email: string;
  /** The role in the current workspace (an instance admin is admin in every one). */
  role: Role;
  /** The session's current workspace. */
  workspaceId: string;
  /** The password was generated for this account: nothing but choosing a new one is allowed until then. */
  mustChangePassword: boolean;
  /** Creates workspaces and acts as admin in all of them; a workspace admin acts in its own only. */
  instanceAdmin: boolean;
}

export const PUBLIC_ROUTE = 'pipewright:public';
export const ALLOWED_ROLES = 'pipewright:roles';

export const BEFORE_PASSWORD_CHANGE = 'pipewright:before-password-change';
export const INSTANCE_ADMIN_ROUTE = 'pipewright:instance-admin';

/** Open to anyone: health, login, and predictions (which check their own API key). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * Only these roles. Without it, reading (GET) is open to every role and
 * changing anything to admins and editors.
 */
export const Roles = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

/** Open to an account that must still change its generated password: who am I, and changing it. */
export const AllowedBeforePasswordChange = () => SetMetadata(BEFORE_PASSWORD_CHANGE, true);

/** Only for instance admins: what crosses workspaces (making one). */
export const InstanceAdminOnly = () => SetMetadata(INSTANCE_ADMIN_ROUTE, true);
