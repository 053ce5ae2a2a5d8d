// `node scripts/wasm.mjs [--check]`: compiles the WebAssembly text sources
// (*.wat) into the TypeScript modules that carry their bytes, so that
// neither a build nor a user's machine needs a WebAssembly toolchain. With
// --check it only says whether the modules are up to date (a unit test runs
// the same comparison).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileWat, WASM_SOURCES, wasmModuleText } from './wasm-sources.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const check = process.argv.includes('--check');
let stale = 0;
for (const source of WASM_SOURCES) {
  const text = wasmModuleText(source, await compileWat(readFileSync(root + source.wat, 'utf8'), source.wat));
  const current = (() => {
    try {
      return readFileSync(root + source.module, 'utf8');
    } catch {
      return '';
    }
  })();
  if (current === text) continue;
  stale++;
  if (check) console.error(`${source.module} is not what ${source.wat} compiles to: run node scripts/wasm.mjs`);
  else {
    writeFileSync(root + source.module, text);
    console.log(`wrote ${source.module}`);
  }
}
process.exit(check && stale > 0 ? 1 : 0);
