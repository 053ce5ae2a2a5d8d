import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWebGpu, vulkanLoaderPath } from './webgpu-backend.js';

describe('the WebGPU backend’s prerequisites', () => {
  it('finds the Vulkan loader on LD_LIBRARY_PATH before the system directories', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipewright-vulkan-'));
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib', 'libvulkan.so.1'), '');
    expect(vulkanLoaderPath({ LD_LIBRARY_PATH: `/nonexistent:${join(dir, 'lib')}` })).toBe(
      join(dir, 'lib', 'libvulkan.so.1'),
    );
  });

  it('says why it cannot start where there is no Vulkan loader or no GPU adapter', async () => {
    // On a machine with a GPU and its Vulkan driver this loads; everywhere else it must say why, quickly.
    const outcome = await loadWebGpu().then(
      ({ gpu }) => ({ gpu }),
      (error: Error) => ({ error: error.message }),
    );
    if ('error' in outcome) {
      expect(outcome.error).toMatch(/no Vulkan loader \(libvulkan\.so\.1|found no WebGPU adapter/);
    } else {
      expect(outcome.gpu.name).not.toBe('');
    }
  });
});
