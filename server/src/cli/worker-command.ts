import { startContext } from '../application.js';
import { ServerLogger } from '../logging/loggers.js';
import { stopOnSignals } from '../process-lifecycle.js';
import { NodeWorker } from '../worker/node-worker.js';

/** `pipewright worker` (`npm run worker`): one more worker on the same database and artifact store. */
export async function workerCommand(): Promise<void> {
  const context = await startContext({ logger: new ServerLogger(), log: (message) => console.log(message) });
  stopOnSignals(async () => {
    console.log('Pipewright worker: stopping (running nodes go back to the queue)');
    await context.close();
    return 0;
  });
  const worker = context.app.get(NodeWorker);
  console.log(`Pipewright worker ${worker.id} is taking jobs (${context.database.mode} database)`);
}
