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
}
