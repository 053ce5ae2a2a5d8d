/**
 * Calls `stop` on the first SIGINT or SIGTERM and exits when it is done; a
 * second signal exits at once (someone is in a hurry).
 */
export function stopOnSignals(stop: (signal: NodeJS.Signals) => Promise<number>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`\n${signal} again: exiting now\n`);
      process.exit(130);
    }
    stopping = true;
    stop(signal).then(
      (code) => process.exit(code),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** One line for a failure a user can act on; the stack only for what looks like a bug. */
export function describeFatal(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const known = ['SettingsError', 'PipelineInvalidError'];
  if (
    known.includes(error.name) ||
    /already in use|embedded PostgreSQL|ECONNREFUSED|password authentication/.test(error.message)
  ) {
    return error.message;
  }
  return error.stack ?? error.message;
}
