import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  newUserSchema,
  userChangeSchema,
  userListQuerySchema,
  type UserSummary,
  type UserWithPassword,
} from '@pipewright/nodes/contracts';
import type { z } from 'zod';
import type { Page } from '../api/page.js';
import { ZodPipe } from '../api/zod.pipe.js';
import { CurrentCaller } from './current-caller.js';
import { Roles, type Caller } from './roles.js';
import { UsersService } from './users.service.js';

/** Accounts are an admin's business, inside the workspaces that admin administers. */
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  list(
    @CurrentCaller() caller: Caller,
    @Query(new ZodPipe(userListQuerySchema)) query: z.infer<typeof userListQuerySchema>,
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
    @Body(new ZodPipe(userChangeSchema)) body: z.infer<typeof userChangeSchema>,
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
