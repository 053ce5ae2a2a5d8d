/**
 * Everything the audit log records, as `<object>.<verb>`. One list: the
 * service accepts only these, `GET /api/audit?action=` checks against it,
 * and the studio's audit filter offers it (hence here, in the package both import).
 */
export const AUDIT_ACTIONS = [
  'run.started',
  'run.cancelled',
  'deployment.published',
  /** A new version kept as a candidate that does not serve (its policy, or who ran it), with the reason. */
  'deployment.refused',
  'deployment.promoted',
  'deployment.rolled-back',
  'deployment.canary-set',
  'deployment.canary-ended',
  'deployment.deleted',
  'key.created',
  'key.revoked',
  /** A new deployment's first key, handed (encrypted) to the one who started the run that made it. */
  'key.revealed',
  'user.created',
  'user.disabled',
  'user.enabled',
  'user.password-reset',
  'user.password-changed',
  'user.instance-admin-granted',
  'user.instance-admin-revoked',
  'member.added',
  'member.role-changed',
  'member.removed',
  'workspace.created',
  'workspace.renamed',
  'schedule.created',
  'schedule.changed',
  'schedule.paused',
  'schedule.resumed',
  'schedule.deleted',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}
