import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import {
  AccountsService,
  ForbiddenError,
  PasswordChangeRequiredError,
  UnauthenticatedError,
  type Session,
} from './accounts.service.js';
import {
  ALLOWED_ROLES,
  BEFORE_PASSWORD_CHANGE,
  INSTANCE_ADMIN_ROUTE,
  PUBLIC_ROUTE,
  type Caller,
  type Role,
} from './roles.js';
import { sessionToken } from './session-cookie.js';

export type AuthenticatedRequest = Request & { caller?: Caller; session?: Session };

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every API route needs a session unless marked @Public(); @Roles narrows
 * who may call it (by the role in the session's current workspace), and
 * without it viewers may only read; @InstanceAdminOnly is for instance
 * admins. An account that still has its generated password may only say
 * who it is and change it.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly accounts: AccountsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Socket.IO checks its connections itself (RunEventsGateway).
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = sessionToken(request.headers);
    const session = token ? await this.accounts.session(token) : undefined;
    if (!session) throw new UnauthenticatedError();
    const caller = session.caller;
    request.caller = caller;
    request.session = session;
    if (caller.mustChangePassword && !this.reflector.getAllAndOverride<boolean>(BEFORE_PASSWORD_CHANGE, targets)) {
      throw new PasswordChangeRequiredError();
    }
    const allowed =
      this.reflector.getAllAndOverride<Role[]>(ALLOWED_ROLES, targets) ??
      (READ_METHODS.has(request.method) ? undefined : (['admin', 'editor'] as Role[]));
    if (allowed && !allowed.includes(caller.role)) {
      throw new ForbiddenError(
        `${request.method} ${request.path} needs the role ${allowed.join(' or ')}; you are ${caller.role}`,
      );
    }
    if (this.reflector.getAllAndOverride<boolean>(INSTANCE_ADMIN_ROUTE, targets) && !caller.instanceAdmin) {
      throw new ForbiddenError(`${request.method} ${request.path} is for instance admins only`);
    }
    return true;
  }
}
