import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsService } from './accounts.service.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { MembershipEntity, SessionEntity, UserEntity, WorkspaceEntity } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';
import { WorkspacesController } from './workspaces.controller.js';
import { WorkspacesService } from './workspaces.service.js';

/** Users, workspaces and their members, sessions, and the guard in front of every API route. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, SessionEntity, WorkspaceEntity, MembershipEntity])],
  controllers: [AuthController, UsersController, WorkspacesController],
  providers: [AccountsService, UsersService, WorkspacesService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AccountsService],
})
export class AuthModule {}
