import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import type { Page } from '../api/page.js';
import { ZodPipe } from '../api/zod.pipe.js';
import { MAX_PASSWORD_LENGTH } from '@pipewright/nodes';
import { CurrentCaller } from './current-caller.js';
import { Roles, ROLES, type Caller } from './roles.js';
import { UsersService, type UserSummary, type UserWithPassword } from './users.service.js';

const listSchema = z
  .object({
    workspaceId: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
  })
  .strict();
const newUserSchema = z
  .object({
    email: z.email().max(320),
    /** Without one, a one-time password is generated and answered once; else it must pass passwordProblem. */
    password: z.string().min(1).max(MAX_PASSWORD_LENGTH).optional(),
    role: z.enum(ROLES),
    /** The workspace the user joins; the admin's current one when absent. */
    workspaceId: z.string().min(1).max(100).optional(),
  })
  .strict();
const changeSchema = z
  .object({ disabled: z.boolean().optional(), instanceAdmin: z.boolean().optional() })
  .strict()
  .refine((change) => change.disabled !== undefined || change.instanceAdmin !== undefined, {
    message: 'say what to change: { disabled?, instanceAdmin? }',
  });

/** Accounts are an admin's business, inside the workspaces that admin administers. */
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  list(
    @CurrentCaller() caller: Caller,
    @Query(new ZodPipe(listSchema)) query: z.infer<typeof listSchema>,
  ): Promise<Page<UserSummary>> {
    return this.users.list(caller, query);
  }

  @Post()
  create(
    @CurrentCaller() caller: Caller,
    @Body(new ZodPipe(newUserSchema)) body: z.infer<typeof newUserSchema>,
  ): Promise<UserWithPassword> {
    return this.users.create(caller, { ...body, workspaceId: body.workspaceId ?? caller.workspaceId });
  }

  /** Disable or enable an account (its sessions end at once), or grant or revoke instance admin. */
  @Patch(':id')
  update(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body(new ZodPipe(changeSchema)) body: z.infer<typeof changeSchema>,
  ): Promise<UserSummary> {
    return this.users.update(caller, id, body);
  }

  /** A new one-time password for the user, answered this once; it must be changed at the next login. */
  @Post(':id/password')
  @HttpCode(200)
  resetPassword(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<UserWithPassword> {
    return this.users.resetPassword(caller, id);
  }
}
