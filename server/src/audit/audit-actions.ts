// The list lives with the catalog in @pipewright/nodes, which the studio's audit filter imports too.
export { AUDIT_ACTIONS, isAuditAction, type AuditAction } from '@pipewright/nodes';
