import { Controller, Get, Query } from '@nestjs/common';
import { auditQuerySchema, type AuditEvent } from '@pipewright/nodes/contracts';
import type { z } from 'zod';
import type { Page } from '../api/page.js';
import { ZodPipe } from '../api/zod.pipe.js';
import { AccountsService } from '../auth/accounts.service.js';
import { CurrentCaller } from '../auth/current-caller.js';
import { Roles, type Caller } from '../auth/roles.js';
import { AuditLog } from './audit-log.js';

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
