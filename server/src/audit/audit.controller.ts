import { Controller, Get, Query } from '@nestjs/common';
import { z } from 'zod';
import type { Page } from '../api/page.js';
import { ZodPipe } from '../api/zod.pipe.js';
import { AccountsService } from '../auth/accounts.service.js';
import { CurrentCaller } from '../auth/current-caller.js';
import { Roles, type Caller } from '../auth/roles.js';
import { AUDIT_ACTIONS, isAuditAction } from './audit-actions.js';
import { AuditLog, type AuditEvent } from './audit-log.js';

const families = [...new Set(AUDIT_ACTIONS.map((action) => action.split('.')[0]))];
const auditQuerySchema = z
  .object({
    actor: z.string().trim().min(1).max(320).optional(),
    action: z
      .string()
      .refine((value) => isAuditAction(value) || families.some((family) => value === `${family}.*`), {
        message: `one of ${AUDIT_ACTIONS.join(', ')}, or a family such as ${families.map((f) => `${f}.*`).join(', ')}`,
      })
      .optional(),
    object: z.string().trim().min(1).max(300).optional(),
    from: z.iso.datetime({ offset: true }).pipe(z.coerce.date()).optional(),
    to: z.iso.datetime({ offset: true }).pipe(z.coerce.date()).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
  })
  .strict();

/** The audit log, newest first, for the admins of the workspaces it concerns. */
@Roles('admin')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly audit: AuditLog,
    private readonly accounts: AccountsService,
  ) {}

  @Get()
  async list(
    @CurrentCaller() caller: Caller,
    @Query(new ZodPipe(auditQuerySchema)) query: z.infer<typeof auditQuerySchema>,
  ): Promise<Page<AuditEvent>> {
    return this.audit.list(query, await this.accounts.administeredWorkspaces(caller));
  }
}
