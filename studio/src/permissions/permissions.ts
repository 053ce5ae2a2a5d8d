import { selectWorkspaceName, useSessionStore, type Role } from '../store/session-store';

/**
 * What each role may do, in one table that every page reads. It mirrors the
 * server's rules (test/integration/authorisation-rules.ts): the server
 * refuses anyway, this lets the studio say so before the click — a control a
 * role cannot use is disabled, with the reason.
 */
export const PERMISSIONS = {
  'edit-pipeline': { roles: ['admin', 'editor'], doing: 'change pipelines' },
  'delete-pipeline': { roles: ['admin', 'editor'], doing: 'delete pipelines' },
  run: { roles: ['admin', 'editor'], doing: 'run pipelines' },
  'cancel-run': { roles: ['admin', 'editor'], doing: 'cancel runs' },
  'upload-dataset': { roles: ['admin', 'editor'], doing: 'add datasets' },
  'delete-dataset': { roles: ['admin', 'editor'], doing: 'delete datasets' },
  'edit-schedule': { roles: ['admin', 'editor'], doing: 'change schedules' },
  'edit-template': { roles: ['admin', 'editor'], doing: 'save or delete templates' },
  'use-template': { roles: ['admin', 'editor'], doing: 'make pipelines from templates' },
  'batch-score': { roles: ['admin', 'editor'], doing: 'score datasets with a deployment' },
  'export-model': { roles: ['admin', 'editor'], doing: 'download trained models' },
  'export-deployed-model': { roles: ['admin'], doing: 'download deployed models' },
  deploy: { roles: ['admin'], doing: 'deploy models' },
  promote: { roles: ['admin'], doing: 'promote or roll back a version' },
  'roll-back': { roles: ['admin'], doing: 'promote or roll back a version' },
  'set-canary': { roles: ['admin'], doing: 'set canaries' },
  'delete-deployment': { roles: ['admin'], doing: 'delete deployments' },
  'manage-keys': { roles: ['admin'], doing: 'make or revoke API keys' },
  'manage-members': { roles: ['admin'], doing: 'manage members' },
  'manage-users': { roles: ['admin'], doing: 'manage users' },
  'rename-workspace': { roles: ['admin'], doing: 'rename the workspace' },
  'view-audit': { roles: ['admin'], doing: 'read the audit log' },
  /** Crosses workspaces: an instance admin's alone, whatever the role in the current one. */
  'create-workspace': { roles: [], doing: 'create workspaces' },
} as const satisfies Record<string, { roles: readonly Role[]; doing: string }>;

export type Permission = keyof typeof PERMISSIONS;

export const ROLES: readonly Role[] = ['admin', 'editor', 'viewer'];

export type Verdict = { allowed: true } | { allowed: false; reason: string };

/** Who acts: a role in a workspace (an instance admin is admin everywhere). */
export interface Actor {
  role: Role;
  instanceAdmin?: boolean;
  /** Named in the reason, so "viewer" says where. */
  workspaceName?: string | null;
}

const ROLE_NAMES: Record<Role, string> = { admin: 'Admins', editor: 'Editors', viewer: 'Viewers' };

/** Whether `actor` may do it, and if not, a sentence saying why and what it would take. */
export function can(permission: Permission, actor: Actor): Verdict {
  const rule = PERMISSIONS[permission];
  const roles: readonly Role[] = rule.roles;
  if (actor.instanceAdmin) return { allowed: true };
  if (roles.length === 0) return { allowed: false, reason: `Only an instance admin can ${rule.doing}.` };
  if (roles.includes(actor.role)) return { allowed: true };
  const where = actor.workspaceName ? ` in “${actor.workspaceName}”` : '';
  const needed =
    roles.length === 1 ? `the ${roles[0]} role` : `the ${roles.slice(0, -1).join(', ')} or ${roles.at(-1)} role`;
  return {
    allowed: false,
    reason: `${ROLE_NAMES[actor.role]} cannot ${rule.doing}${where}: it takes ${needed}. Ask an admin of the workspace.`,
  };
}

/** The verdict for the signed-in user in the current workspace. */
export function permissionNow(permission: Permission): Verdict {
  const state = useSessionStore.getState();
  if (!state.user) return { allowed: false, reason: 'Log in first.' };
  return can(permission, { ...state.user, workspaceName: selectWorkspaceName(state) });
}

/**
 * The same, as a hook: the control updates when the user switches workspace.
 * `actor` judges another workspace than the current one (its members page).
 */
export function usePermission(permission: Permission, actor?: Actor): Verdict {
  const user = useSessionStore((state) => state.user);
  const workspaceName = useSessionStore(selectWorkspaceName);
  if (!user) return { allowed: false, reason: 'Log in first.' };
  return can(permission, actor ? { ...actor, instanceAdmin: user.instanceAdmin } : { ...user, workspaceName });
}
