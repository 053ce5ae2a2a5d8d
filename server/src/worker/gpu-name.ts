import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** The name of the first NVIDIA GPU, from nvidia-smi; undefined when there is none to ask. */
export async function nvidiaGpuName(): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], {
      timeout: 5000,
    });
    return stdout.split('\n')[0]?.trim() || undefined;
  } catch {
    return undefined;
  }
}
