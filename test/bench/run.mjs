// `npm run bench [name…]`: runs test/bench/<name>.mjs for each name given,
// or every benchmark in this folder when none is. Each benchmark prints its
// own table and measures ratios against a baseline in the same run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((file) => file.endsWith('.mjs') && file !== 'run.mjs')
  .map((file) => file.slice(0, -'.mjs'.length))
  .sort();

const names = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const options = process.argv.slice(2).filter((arg) => arg.startsWith('-'));
for (const name of names) {
  if (!existsSync(join(here, `${name}.mjs`))) {
    console.error(`no benchmark "${name}"; there are: ${available.join(', ') || 'none'}`);
    process.exit(2);
  }
}

let failed = false;
for (const name of names.length > 0 ? names : available) {
  console.log(`\n━━ bench: ${name} ━━`);
  const result = spawnSync(process.execPath, [join(here, `${name}.mjs`), ...options], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`bench ${name} exited with ${result.status ?? result.signal}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
