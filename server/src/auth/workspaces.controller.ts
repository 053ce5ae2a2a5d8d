import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  memberRoleSchema,
  newMemberSchema,
  workspaceNameSchema,
  type MemberSummary,
  type WorkspaceSummary,
} from '@pipewright/nodes/contracts';
import type { z } from 'zod';
import type { Page } from '../api/page.js';
import { ZodPipe } from '../api/zod.pipe.js';
import { CurrentCaller } from './current-caller.js';
import { InstanceAdminOnly, Roles, type Caller } from './roles.js';
import { WorkspacesService } from './workspaces.service.js';

/**
 * Workspaces keep teams' pipelines, runs, datasets and deployments apart.
 * Everyone lists the ones they work in; an instance admin makes them; their
 * admins manage their members (checked per workspace, whatever the session's
 * current one).
 */
@Roles('admin', 'editor', 'viewer')
@Controller('workspaces')
export class WorkspacesController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Get()
  async list(@CurrentCaller() caller: Caller): Promise<Page<WorkspaceSummary>> {
    const items = await this.workspaces.list(caller);
    return { items, total: items.length };
  }

  @InstanceAdminOnly()
  @Post()
  create(
    @CurrentCaller() caller: Caller,
    @Body(new ZodPipe(workspaceNameSchema)) body: z.infer<typeof workspaceNameSchema>,
  ): Promise<WorkspaceSummary> {
    return this.workspaces.create(caller, body.name);
  }

  @Patch(':id')
  rename(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body(new ZodPipe(workspaceNameSchema)) body: z.infer<typeof workspaceNameSchema>,
  ): Promise<WorkspaceSummary> {
    return this.workspaces.rename(caller, id, body.name);
  }

  @Get(':id/members')
  async members(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<Page<MemberSummary>> {
    const items = await this.workspaces.members(caller, id);
    return { items, total: items.length };
  }

  /** Adds an existing user, by email, with a role. */
  @Post(':id/members')
  addMember(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body(new ZodPipe(newMemberSchema)) body: z.infer<typeof newMemberSchema>,
  ): Promise<MemberSummary> {
    return this.workspaces.addMember(caller, id, body.email, body.role);
  }

  @Patch(':id/members/:userId')
  changeMember(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Param('userId') userId: string,
    @Body(new ZodPipe(memberRoleSchema)) body: z.infer<typeof memberRoleSchema>,
  ): Promise<MemberSummary> {
    return this.workspaces.changeMember(caller, id, userId, body.role);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  removeMember(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Param('userId') userId: string,
  ): Promise<void> {
    return this.workspaces.removeMember(caller, id, userId);
  }
}
