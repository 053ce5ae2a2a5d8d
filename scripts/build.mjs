// Builds what `npm start`, `npm test` and the CLI run: the TypeScript
// packages (incremental, so a second run is quick) and the studio bundle
// when its sources changed since the last bundle.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const bin = (name) => join(root, 'node_modules', '.bin', name);

function step(label, command, args, cwd = root) {
  if (!quiet) console.log(`› ${label}`);
  const result = spawnSync(command, args, { cwd, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
  if (result.status !== 0) {
    if (quiet) process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    console.error(`build failed at: ${label}`);
    process.exit(result.status ?? 1);
  }
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

step('compile nodes and server (tsc -b)', bin('tsc'), ['-b', 'server']);

// The scoring code an exported ES module carries (GET …/export?format=esm): the compiled
// server/src/model-export/esm-scoring.ts with the catalog's scoring half (nodes/scoring.ts, not the
// whole catalog) bundled in, as one script defining `pipewrightScoring`, which the export writes
// ahead of the model's weights. Readable, not minified: a user may want to read what scores their rows.
if (!quiet) console.log('› bundle the exported model scoring code (rolldown)');
try {
  const { build } = await import('rolldown');
  await build({
    input: join(root, 'server', 'dist', 'model-export', 'esm-scoring.js'),
    platform: 'neutral',
    logLevel: 'warn',
    resolve: { alias: { '@pipewright/nodes': join(root, 'nodes', 'dist', 'scoring.js') } },
    // Training code reached through the trainer declarations names its worker module by import.meta.url;
    // scoring never runs it.
    transform: { define: { 'import.meta': '{}' } },
    output: {
      file: join(root, 'server', 'dist', 'model-export', 'esm-scoring.iife.js'),
      format: 'iife',
      name: 'pipewrightScoring',
    },
  });
} catch (error) {
  console.error(error);
  console.error('build failed at: bundle the exported model scoring code');
  process.exit(1);
}

const studioBuilt = newestMtime(join(root, 'studio', 'dist', 'index.html'));
const studioSources = Math.max(newestMtime(join(root, 'studio')), newestMtime(join(root, 'nodes', 'dist')));
if (
  existsSync(join(root, 'studio', 'index.html')) &&
  (process.argv.includes('--force') || studioSources > studioBuilt)
) {
  step(
    'bundle the studio (vite build)',
    bin('vite'),
    ['build', '--logLevel', quiet ? 'error' : 'info'],
    join(root, 'studio'),
  );
}
