import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { Socket } from 'socket.io';
import type { Settings } from '../config/settings.js';

/**
 * The studio's Content Security Policy: its built bundle loads only its own
 * scripts, styles, fonts and images (no inline script or style: the build
 * emits none, and React sets styles through the DOM, which CSP allows), talks
 * only to its own origin (`'self'` covers its ws:/wss: Socket.IO), and no
 * other site may frame it.
 */
export const STUDIO_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/**
 * Headers and proxy trust for every HTTP answer: helmet's (CSP, X-Frame-Options
 * DENY, nosniff, no X-Powered-By, HSTS for HTTPS), and Express's `trust proxy`
 * from PIPEWRIGHT_TRUST_PROXY so `request.secure` and `request.ip` read the proxy's headers.
 */
export function hardenHttp(app: NestExpressApplication, settings: Pick<Settings, 'trustProxy'>): void {
  app.disable('x-powered-by');
  if (settings.trustProxy !== undefined) app.set('trust proxy', settings.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: STUDIO_CSP },
      frameguard: { action: 'deny' },
    }),
  );
}

/**
 * Socket.IO middleware against cross-site WebSocket hijacking: a browser
 * always sends `Origin` on a WebSocket handshake and on a cross-site poll, so
 * one that is neither the server's own origin (the `Host` it was reached
 * through) nor in PIPEWRIGHT_ALLOWED_ORIGINS is refused before the session
 * cookie is looked at. Clients that send no Origin (scripts) are not browsers
 * a page could drive, and still need their token.
 */
export function checkSocketOrigin(allowedOrigins: string[]) {
  return (socket: Socket, next: (error?: Error) => void): void => {
    const { origin, host } = socket.handshake.headers;
    if (origin === undefined || allowedOrigins.includes(origin) || sameHost(origin, host)) return next();
    next(new Error(`forbidden: pages of ${origin} may not connect; add it to PIPEWRIGHT_ALLOWED_ORIGINS to allow it`));
  };
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
