import { z } from 'zod';
import { AUDIT_ACTIONS } from '../core/audit-actions.js';
import { MAX_PASSWORD_LENGTH } from '../core/password-rule.js';
import { timestampSchema } from './common.js';

export const ROLES = ['admin', 'editor', 'viewer'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** Who is logged in, as `GET /auth/me` says: the role is the one in the session's current workspace. */
export const sessionUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    /** The role in the current workspace (an instance admin is admin in every one). */
    role: roleSchema,
    /** The session's current workspace: everything the studio shows belongs to it. */
    workspaceId: z.string(),
    /** The password was generated for this account: nothing but choosing a new one is allowed until then. */
    mustChangePassword: z.boolean(),
    /** Creates workspaces and acts as admin in all of them; a workspace admin acts in its own only. */
    instanceAdmin: z.boolean(),
  })
  .strict();
export type SessionUser = z.infer<typeof sessionUserSchema>;

/** A workspace a user may work in, with the role there: what the studio's switcher offers. */
export const workspaceAccessSchema = z.object({ id: z.string(), name: z.string(), role: roleSchema }).strict();
export type WorkspaceAccess = z.infer<typeof workspaceAccessSchema>;

/** Who I am and where I may work: `GET /auth/me`, and the answer of a workspace switch. */
export const meSchema = z.object({ user: sessionUserSchema, workspaces: z.array(workspaceAccessSchema) }).strict();
export type Me = z.infer<typeof meSchema>;

/** `POST /auth/login`: the same, with the session's token (for scripts; the studio gets it as a cookie too). */
export const loginAnswerSchema = meSchema.extend({ accessToken: z.string(), expiresAt: timestampSchema }).strict();
export type LoginAnswer = z.infer<typeof loginAnswerSchema>;

export const loginRequestSchema = z
  .object({ email: z.string().min(1).max(320), password: z.string().min(1).max(MAX_PASSWORD_LENGTH) })
  .strict();
/** `POST /auth/password`. */
export const passwordChangeSchema = z
  .object({
    currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH),
    // Length, common and email-derived passwords are checked by the server's password policy, which says which.
    newPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  })
  .strict();
/** `POST /auth/workspace`. */
export const workspaceSwitchSchema = z.object({ workspaceId: z.string().min(1).max(100) }).strict();

export const membershipSummarySchema = z
  .object({ workspaceId: z.string(), workspaceName: z.string(), role: roleSchema })
  .strict();
export type MembershipSummary = z.infer<typeof membershipSummarySchema>;

/** An account as an admin sees it: only its memberships in the workspaces that admin manages. */
export const userSummarySchema = z
  .object({
    id: z.string(),
    email: z.string(),
    instanceAdmin: z.boolean(),
    disabled: z.boolean(),
    mustChangePassword: z.boolean(),
    createdAt: timestampSchema,
    memberships: z.array(membershipSummarySchema),
  })
  .strict();
export type UserSummary = z.infer<typeof userSummarySchema>;

/** A user just made, or whose password was reset: the generated password, answered this once. */
export const userWithPasswordSchema = userSummarySchema.extend({ oneTimePassword: z.string().optional() }).strict();
export type UserWithPassword = z.infer<typeof userWithPasswordSchema>;

/** `GET /users?workspaceId=&limit=&offset=`. */
export const userListQuerySchema = z
  .object({
    workspaceId: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
  })
  .strict();
/** `POST /users`. */
export const newUserSchema = z
  .object({
    email: z.email().max(320),
    /** Without one, a one-time password is generated and answered once; else it must pass the password policy. */
    password: z.string().min(1).max(MAX_PASSWORD_LENGTH).optional(),
    role: roleSchema,
    /** The workspace the user joins; the admin's current one when absent. */
    workspaceId: z.string().min(1).max(100).optional(),
  })
  .strict();
export type NewUser = z.infer<typeof newUserSchema>;
/** `PATCH /users/:id`. */
export const userChangeSchema = z
  .object({ disabled: z.boolean().optional(), instanceAdmin: z.boolean().optional() })
  .strict()
  .refine((change) => change.disabled !== undefined || change.instanceAdmin !== undefined, {
    message: 'say what to change: { disabled?, instanceAdmin? }',
  });

export const workspaceSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: timestampSchema,
    /** The caller's role there (admin everywhere for an instance admin). */
    role: roleSchema,
    members: z.number().int().min(0),
  })
  .strict();
export type WorkspaceSummary = z.infer<typeof workspaceSummarySchema>;

export const memberSummarySchema = z
  .object({
    userId: z.string(),
    email: z.string(),
    role: roleSchema,
    instanceAdmin: z.boolean(),
    disabled: z.boolean(),
    since: timestampSchema,
  })
  .strict();
export type MemberSummary = z.infer<typeof memberSummarySchema>;

/** `POST /workspaces`, `PATCH /workspaces/:id`. */
export const workspaceNameSchema = z.object({ name: z.string().trim().min(1).max(200) }).strict();
/** `POST /workspaces/:id/members`. */
export const newMemberSchema = z.object({ email: z.string().trim().min(1).max(320), role: roleSchema }).strict();
/** `PATCH /workspaces/:id/members/:userId`. */
export const memberRoleSchema = z.object({ role: roleSchema }).strict();

/** One act in the audit log (`GET /audit`), newest first. */
export const auditEventSchema = z
  .object({
    id: z.string(),
    at: timestampSchema,
    /** A user (id and email), or a system actor (`cli`, `schedule`, …) with a null id. */
    actor: z.object({ id: z.string().nullable(), name: z.string() }).strict(),
    action: z.enum(AUDIT_ACTIONS),
    /** Null for what concerns the whole instance (an instance admin flag). */
    workspaceId: z.string().nullable(),
    workspaceName: z.string().nullable(),
    object: z.object({ type: z.string(), id: z.string() }).strict(),
    /** What a reader needs to understand the act: versions, roles, names — never a secret. */
    details: z.record(z.string(), z.unknown()),
  })
  .strict();
export type AuditEvent = z.infer<typeof auditEventSchema>;

const auditFamilies = [...new Set(AUDIT_ACTIONS.map((action) => action.split('.')[0]))];
const isAuditAction = (value: string) => (AUDIT_ACTIONS as readonly string[]).includes(value);

/** `GET /audit?actor=&action=&object=&from=&to=&limit=&offset=`. */
export const auditQuerySchema = z
  .object({
    /** A user id, or an email / system name (case-insensitive). */
    actor: z.string().trim().min(1).max(320).optional(),
    /** An action, or a family of them: `deployment.*`. */
    action: z
      .string()
      .refine((value) => isAuditAction(value) || auditFamilies.some((family) => value === `${family}.*`), {
        message: `one of ${AUDIT_ACTIONS.join(', ')}, or a family such as ${auditFamilies.map((f) => `${f}.*`).join(', ')}`,
      })
      .optional(),
    /** An object type, or `type:id`. */
    object: z.string().trim().min(1).max(300).optional(),
    from: z.iso.datetime({ offset: true }).pipe(z.coerce.date()).optional(),
    to: z.iso.datetime({ offset: true }).pipe(z.coerce.date()).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
  })
  .strict();
/** What the studio's audit filter sends: the query as text. */
export type AuditFilter = Partial<Record<'action' | 'actor' | 'object' | 'from' | 'to', string>> & {
  limit?: number;
  offset?: number;
};
