import { join } from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres.js';

/** Where the database is, and who owns its lifetime. */
export interface DatabaseConnection {
  url: string;
  mode: 'embedded' | 'external';
  /** The embedded cluster's data directory and port. */
  embedded?: { dataDir: string; port: number; startedHere: boolean };
  /** Stops the embedded server unless another process still uses it; a no-op for an external one. */
  stop(): Promise<void>;
}

export const DATABASE_CONNECTION = Symbol('DatabaseConnection');

/** `DATABASE_URL` when set, else the embedded PostgreSQL in `<home>/pg`. */
export async function connectDatabase(options: {
  databaseUrl?: string;
  home: string;
  log?: (message: string) => void;
}): Promise<DatabaseConnection> {
  if (options.databaseUrl) {
    return { url: options.databaseUrl, mode: 'external', stop: async () => undefined };
  }
  const server = await startEmbeddedPostgres({ dataDir: join(options.home, 'pg'), log: options.log });
  return {
    url: server.url,
    mode: 'embedded',
    embedded: { dataDir: server.dataDir, port: server.port, startedHere: server.startedHere },
    stop: () => server.stop(),
  };
}
