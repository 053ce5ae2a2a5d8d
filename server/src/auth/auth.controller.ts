import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  loginRequestSchema,
  passwordChangeSchema,
  workspaceSwitchSchema,
  type LoginAnswer,
  type Me,
} from '@pipewright/nodes/contracts';
import type { z } from 'zod';
import { ApiError } from '../api/api-errors.js';
import { ZodPipe } from '../api/zod.pipe.js';
import { AccountsService } from './accounts.service.js';
import type { AuthenticatedRequest } from './auth.guard.js';
import { offeredDeviceToken, sameToken, setDeviceCookie } from './device-cookie.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { AllowedBeforePasswordChange, Public, Roles } from './roles.js';
import { clearSessionCookie, sessionToken, setSessionCookie } from './session-cookie.js';

class TooManyLoginsError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'too-many-logins', `too many failed logins: try again in ${retryAfterSeconds} s`);
  }
}

@Controller('auth')
export class AuthController {
  /** An account is locked after 10 failures in 15 minutes; so is one device's proof of an account. */
  private readonly accountLimiter = new LoginRateLimiter(10);
  /**
   * An address is throttled after 30: enough for the people behind one proxy to mistype, few enough to stop
   * spraying one password over many accounts. Browsers with a device cookie for the account pass both.
   */
  private readonly addressLimiter = new LoginRateLimiter(30);

  constructor(private readonly accounts: AccountsService) {}

  /** `{accessToken, user, workspaces}` for scripts, and the same token as an HttpOnly cookie for the studio. */
  @Public()
  @Post('login')
  @HttpCode(200)
  async login(
    @Body(new ZodPipe(loginRequestSchema)) body: z.infer<typeof loginRequestSchema>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LoginAnswer> {
    const email = body.email.trim().toLowerCase();
    const offered = offeredDeviceToken(request, email);
    const expected = offered ? await this.accounts.deviceTokenOf(email) : undefined;
    const device = offered && expected && sameToken(offered, expected) ? `device:${offered}` : undefined;
    const account = device ?? `email:${email}`;
    const address = device ? undefined : `ip:${request.ip}`;
    const wait = Math.max(
      this.accountLimiter.retryAfter([account]),
      address ? this.addressLimiter.retryAfter([address]) : 0,
    );
    if (wait > 0) {
      response.setHeader('Retry-After', String(wait));
      throw new TooManyLoginsError(wait);
    }
    try {
      const session = await this.accounts.login(body.email, body.password);
      this.accountLimiter.succeed([account]);
      setSessionCookie(request, response, session.accessToken);
      const token = await this.accounts.deviceTokenOf(email);
      if (token) setDeviceCookie(request, response, email, token);
      return { ...session, expiresAt: session.expiresAt.toISOString() };
    } catch (error) {
      // Only a wrong password counts towards the lockout; a disabled account's own password does not.
      if (error instanceof ApiError && error.status === 401) {
        this.accountLimiter.fail([account]);
        if (address) this.addressLimiter.fail([address]);
      }
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
  async me(@Req() request: AuthenticatedRequest): Promise<Me> {
    const caller = request.caller!;
    return { user: caller, workspaces: await this.accounts.workspacesOf(caller) };
  }

  /** Switches the session to another of the caller's workspaces: every later request acts there. */
  @Roles('admin', 'editor', 'viewer')
  @Post('workspace')
  @HttpCode(200)
  async switchWorkspace(
    @Req() request: AuthenticatedRequest,
    @Body(new ZodPipe(workspaceSwitchSchema)) body: z.infer<typeof workspaceSwitchSchema>,
  ): Promise<Me> {
    const user = await this.accounts.switchWorkspace(request.session!, body.workspaceId);
    return { user, workspaces: await this.accounts.workspacesOf(user) };
  }

  /** Changes one's own password; every other session of the account ends. */
  @AllowedBeforePasswordChange()
  @Roles('admin', 'editor', 'viewer')
  @Post('password')
  @HttpCode(204)
  async changePassword(
    @Req() request: AuthenticatedRequest,
    @Body(new ZodPipe(passwordChangeSchema)) body: z.infer<typeof passwordChangeSchema>,
  ): Promise<void> {
    await this.accounts.changePassword(
      request.caller!,
      request.session!.tokenHash,
      body.currentPassword,
      body.newPassword,
    );
  }
}
