#!/usr/bin/env node
// The `pipewright` command. Pipewright needs Node.js 22 or newer (it pins 24
// through the `node` package): an older `node` on the PATH hands over to the
// repository's own.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const self = fileURLToPath(import.meta.url);
const root = join(dirname(self), '..');
const major = Number(process.versions.node.split('.')[0]);

if (major < 22) {
  const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(pinned)) {
    console.error(`pipewright needs Node.js 22 or newer (this is ${process.version}); run npm install first`);
    process.exit(1);
  }
  const child = spawn(pinned, [self, ...process.argv.slice(2)], { stdio: 'inherit' });
  // Ctrl-C reaches the child from the terminal; a SIGTERM sent to us is passed on.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));
} else {
  const entry = join(root, 'server', 'dist', 'cli', 'main.js');
  if (!existsSync(entry)) {
    console.error('pipewright is not built yet: run `npm run build` (or `node scripts/build.mjs`) first');
    process.exit(1);
  }
  await import(pathToFileURL(entry).href);
}
