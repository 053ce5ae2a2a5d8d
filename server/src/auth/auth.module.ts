import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsService } from './accounts.service.js';
import { AuthController, UsersController, WorkspacesController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { SessionEntity, UserEntity, WorkspaceEntity } from './user.entity.js';

/** Users, workspaces, sessions, and the guard in front of every API route. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, SessionEntity, WorkspaceEntity])],
  controllers: [AuthController, UsersController, WorkspacesController],
  providers: [AccountsService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AccountsService],
})
export class AuthModule {}
