import {
  PayloadTooLargeException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, throwError, type Observable } from 'rxjs';
import { ApiError } from '../api/api-errors.js';

const DEFAULT_LIMIT_MB = 500;

/** `PIPEWRIGHT_UPLOAD_LIMIT_MB` (default 500): the largest dataset file an upload may send. */
export function uploadLimitBytes(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.PIPEWRIGHT_UPLOAD_LIMIT_MB?.trim();
  const megabytes = text ? Number(text) : DEFAULT_LIMIT_MB;
  if (!Number.isFinite(megabytes) || megabytes <= 0) {
    throw new Error(`PIPEWRIGHT_UPLOAD_LIMIT_MB must be a positive number of megabytes; got "${text}"`);
  }
  return Math.round(megabytes * 1024 * 1024);
}

export function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${+(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 * 1024) return `${+(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${+(bytes / 1024).toFixed(1)} KB`;
}

/** Says multer's bare "File too large" as what the user can do about it. */
export class UploadLimitMessage implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next
      .handle()
      .pipe(
        catchError((error: unknown) =>
          throwError(() =>
            error instanceof PayloadTooLargeException
              ? new ApiError(
                  413,
                  'payload-too-large',
                  `the file is larger than the upload limit of ${describeBytes(uploadLimitBytes())} (PIPEWRIGHT_UPLOAD_LIMIT_MB)`,
                )
              : error,
          ),
        ),
      );
  }
}
