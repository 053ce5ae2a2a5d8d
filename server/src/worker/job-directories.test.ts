import { mkdir, mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeAbandonedScratch, SCRATCH_ABANDONED_MS } from './job-directories.js';

const made: string[] = [];
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('removeAbandonedScratch', () => {
  it('removes scratch directories untouched for a day, and keeps newer ones and the workers’ jobs', async () => {
    const work = await mkdtemp(join(tmpdir(), 'pipewright-work-'));
    made.push(work);
    const now = Date.now();
    const dayAndMinuteAgo = new Date(now - SCRATCH_ABANDONED_MS - 60_000);
    for (const name of ['preview-old', 'jobs', '0123456789abcdef-old', 'preview-new']) {
      await mkdir(join(work, name, 'inside'), { recursive: true });
      if (name !== 'preview-new') await utimes(join(work, name), dayAndMinuteAgo, dayAndMinuteAgo);
    }
    expect((await removeAbandonedScratch(work, ['jobs'], now)).sort()).toEqual(['0123456789abcdef-old', 'preview-old']);
    expect((await readdir(work)).sort()).toEqual(['jobs', 'preview-new']);
    // A work directory that does not exist yet holds nothing to remove.
    expect(await removeAbandonedScratch(join(work, 'absent'), [], now)).toEqual([]);
  });
});
