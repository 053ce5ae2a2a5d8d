import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ApiError } from '../api/api-errors.js';
import { ZodPipe } from '../api/zod.pipe.js';
import { AccountsService, MIN_PASSWORD_LENGTH, type UserSummary, type WorkspaceSummary } from './accounts.service.js';
import type { AuthenticatedRequest } from './auth.guard.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { CurrentCaller } from './current-caller.js';
import { AllowedBeforePasswordChange, Public, Roles, ROLES, type Caller } from './roles.js';
import { clearSessionCookie, sessionToken, setSessionCookie } from './session-cookie.js';

const loginSchema = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) }).strict();
const passwordSchema = z
  .object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(MIN_PASSWORD_LENGTH).max(1024) })
  .strict();
const newUserSchema = z
  .object({
    email: z.email().max(320),
    password: z.string().min(MIN_PASSWORD_LENGTH).max(1024),
    role: z.enum(ROLES),
    /** The workspace the user works in; the admin's own when absent. */
    workspaceId: z.string().min(1).max(100).optional(),
  })
  .strict();
const newWorkspaceSchema = z.object({ name: z.string().trim().min(1).max(200) }).strict();

class TooManyLoginsError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'too-many-logins', `too many failed logins: try again in ${retryAfterSeconds} s`);
  }
}

@Controller('auth')
export class AuthController {
  private readonly limiter = new LoginRateLimiter();

  constructor(private readonly accounts: AccountsService) {}

  /** `{accessToken, user}` for scripts, and the same token as an HttpOnly cookie for the studio. */
  @Public()
  @Post('login')
  @HttpCode(200)
  async login(
    @Body(new ZodPipe(loginSchema)) body: z.infer<typeof loginSchema>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ accessToken: string; user: UserSummary; expiresAt: string }> {
    const keys = [`ip:${request.ip}`, `email:${body.email.trim().toLowerCase()}`];
    const wait = this.limiter.retryAfter(keys);
    if (wait > 0) {
      response.setHeader('Retry-After', String(wait));
      throw new TooManyLoginsError(wait);
    }
    try {
      const session = await this.accounts.login(body.email, body.password);
      this.limiter.succeed([keys[1]]);
      setSessionCookie(request, response, session.accessToken);
      return { ...session, expiresAt: session.expiresAt.toISOString() };
    } catch (error) {
      this.limiter.fail(keys);
      throw error;
    }
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    const token = sessionToken(request.headers);
    if (token) await this.accounts.logout(token);
    clearSessionCookie(response);
  }

  @AllowedBeforePasswordChange()
  @Get('me')
  me(@Req() request: AuthenticatedRequest): { user: AuthenticatedRequest['caller'] } {
    return { user: request.caller };
  }

  @AllowedBeforePasswordChange()
  @Roles('admin', 'editor', 'viewer')
  @Post('password')
  @HttpCode(204)
  async changePassword(
    @Req() request: AuthenticatedRequest,
    @Body(new ZodPipe(passwordSchema)) body: z.infer<typeof passwordSchema>,
  ): Promise<void> {
    await this.accounts.changePassword(request.caller!, body.currentPassword, body.newPassword);
  }
}

/** Accounts are an admin's business. */
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  async list(): Promise<{ items: UserSummary[]; total: number }> {
    const items = await this.accounts.listUsers();
    return { items, total: items.length };
  }

  @Post()
  create(
    @CurrentCaller() caller: Caller,
    @Body(new ZodPipe(newUserSchema)) body: z.infer<typeof newUserSchema>,
  ): Promise<UserSummary> {
    return this.accounts.createUser(
      caller,
      body.email,
      body.password,
      body.role,
      body.workspaceId ?? caller.workspaceId,
    );
  }
}

/** Workspaces keep teams' pipelines, runs, datasets and deployments apart; admins make them. */
@Roles('admin')
@Controller('workspaces')
export class WorkspacesController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  async list(): Promise<{ items: WorkspaceSummary[]; total: number }> {
    const items = await this.accounts.listWorkspaces();
    return { items, total: items.length };
  }

  @Post()
  create(
    @CurrentCaller() caller: Caller,
    @Body(new ZodPipe(newWorkspaceSchema)) body: z.infer<typeof newWorkspaceSchema>,
  ): Promise<WorkspaceSummary> {
    return this.accounts.createWorkspace(caller, body.name);
  }
}
