import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsService } from './accounts.service.js';
import { AuthController, UsersController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { SessionEntity, UserEntity } from './user.entity.js';

/** Users, sessions, and the guard in front of every API route. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, SessionEntity])],
  controllers: [AuthController, UsersController],
  providers: [AccountsService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AccountsService],
})
export class AuthModule {}
