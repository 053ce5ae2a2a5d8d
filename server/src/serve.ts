import { startServer } from './application.js';
import { ServerLogger } from './logging/loggers.js';
import { stopOnSignals } from './process-lifecycle.js';

/**
 * `npm start` and `pipewright serve`: the studio, the API, Socket.IO and one
 * worker, on one port (`--no-worker`: no worker, for deployments that run
 * workers apart).
 */
export async function serve(options: { worker?: boolean } = {}): Promise<void> {
  const server = await startServer({
    worker: options.worker ?? true,
    logger: new ServerLogger(),
    log: (message) => console.log(message),
  });
  stopOnSignals(async () => {
    console.log('Pipewright: stopping');
    await server.close();
    return 0;
  });
  console.log(`Pipewright studio: ${server.url}`);
  if (server.firstAdmin?.oneTimePassword) {
    console.log(
      [
        '',
        '  First start: an admin account was created. Log in with',
        `    email:    ${server.firstAdmin.email}`,
        `    password: ${server.firstAdmin.oneTimePassword}`,
        '  It is shown only now and works once: the first login asks for a new password',
        '  (the API answers 403 until POST /api/auth/password). Or start with',
        '  PIPEWRIGHT_ADMIN_EMAIL and PIPEWRIGHT_ADMIN_PASSWORD set to choose your own.',
        '',
      ].join('\n'),
    );
  } else if (server.firstAdmin) {
    console.log(`Pipewright: created the admin ${server.firstAdmin.email} (password from PIPEWRIGHT_ADMIN_PASSWORD)`);
  }
}
