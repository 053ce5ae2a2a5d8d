import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { describeError } from './error-answer.js';

/** Where the NestJS routes' errors become HTTP answers, by the one mapping of error-answer.ts. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Api');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = describeError(exception, (details) => this.logger.error(details));
    if (response.headersSent) return;
    response.status(status).json(body);
  }
}
