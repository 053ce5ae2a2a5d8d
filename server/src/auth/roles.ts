import { SetMetadata } from '@nestjs/common';

export const ROLES = ['admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: the user a session belongs to. */
export interface Caller {
  id: string;
  email: string;
  role: Role;
  workspaceId: string;
  /** The password was generated for this account: nothing but choosing a new one is allowed until then. */
  mustChangePassword: boolean;
}

export const PUBLIC_ROUTE = 'pipewright:public';
export const ALLOWED_ROLES = 'pipewright:roles';

export const BEFORE_PASSWORD_CHANGE = 'pipewright:before-password-change';

/** Open to anyone: health, login, and predictions (which check their own API key). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * Only these roles. Without it, reading (GET) is open to every role and
 * changing anything to admins and editors.
 */
export const Roles = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

/** Open to an account that must still change its generated password: who am I, and changing it. */
export const AllowedBeforePasswordChange = () => SetMetadata(BEFORE_PASSWORD_CHANGE, true);
