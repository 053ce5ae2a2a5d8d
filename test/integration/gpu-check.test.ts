import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/gpu-check.mjs', import.meta.url));

function gpuCheck(args: string[]) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 170_000 });
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

describe('npm run gpu-check', () => {
  it('trains on a GPU backend, or exits at once saying why there is none', () => {
    const result = gpuCheck(['--rows', '500']);
    if (result.status === 0) {
      expect(result.stdout).toMatch(/^backend: (node-gpu|webgpu)$/m);
      expect(result.stdout).toMatch(/train\.mlp 32-1024-1024-1, batch 4096: [\d,]+ samples\/s/);
    } else {
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/no GPU backend loaded, TensorFlow\.js would run on (node|wasm|cpu)/);
      expect(result.stderr).toMatch(/^ {2}node-gpu: /m);
      expect(result.stderr).toMatch(/^ {2}webgpu: /m);
      expect(result.seconds).toBeLessThan(60);
    }
  });

  it('measures the train.mlp node it runs (on whatever backend loads, with --any-backend)', () => {
    const result = gpuCheck(['--any-backend', '--rows', '300']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^backend: \w/m);
    expect(result.stdout).toMatch(/train\.mlp 32-128-128-1, batch 512: [\d,]+ samples\/s \(3 epochs of 300 rows/);
    expect(result.stdout).toMatch(/train\.mlp 32-1024-1024-1, batch 4096: [\d,]+ samples\/s/);
  });
});
