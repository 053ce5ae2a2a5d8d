import { createServer } from 'node:net';

/**
 * A port on 127.0.0.1 that nothing listens on now, for the embedded PostgreSQL
 * and for the servers tests and benchmarks start. Never 5432, which a system
 * PostgreSQL may want.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port && port !== 5432 ? resolve(port) : freePort().then(resolve, reject)));
    });
  });
}
