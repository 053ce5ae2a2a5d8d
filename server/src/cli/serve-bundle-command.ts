import { readSettings } from '../config/settings.js';
import { stopOnSignals } from '../process-lifecycle.js';
import { startStandaloneServer } from '../predict/standalone-server.js';

/** `pipewright serve --bundle FILE…`: a prediction replica with no database. */
export async function serveBundleCommand(options: { bundle: string[]; open: boolean }): Promise<void> {
  const settings = readSettings();
  const apiKeys = (process.env.PIPEWRIGHT_API_KEYS ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
  let replica;
  try {
    replica = await startStandaloneServer({
      bundleFiles: options.bundle,
      port: settings.port,
      apiKeys,
      open: options.open,
      metricsToken: settings.metricsToken,
    });
  } catch (error) {
    process.stderr.write(`pipewright serve: ${(error as Error).message}\n`);
    process.exit(2);
  }
  stopOnSignals(async () => {
    await replica.close();
    return 0;
  });
  for (const bundle of replica.deployments) {
    console.log(
      `Pipewright serving "${bundle.name}" version ${bundle.version} (${bundle.model.algorithm}): POST ${replica.url}/api/predict/${bundle.name}`,
    );
  }
}
