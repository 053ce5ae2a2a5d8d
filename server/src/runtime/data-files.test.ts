import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprintFile } from './data-files.js';

const dir = mkdtempSync(join(tmpdir(), 'pipewright-fingerprint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('fingerprintFile', () => {
  it('is the size, the modification time and the hash of a small file', async () => {
    const path = join(dir, 'small.csv');
    writeFileSync(path, 'x,y\n1,2\n');
    const { size, mtimeMs } = statSync(path);
    expect(await fingerprintFile(path)).toBe(`${size}:${Math.trunc(mtimeMs)}:${sha256(readFileSync(path))}`);
  });

  it('hashes the first and last megabyte of a large file', async () => {
    const path = join(dir, 'large.csv');
    const bytes = Buffer.alloc(9 * 1024 * 1024 + 17);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) % 251;
    writeFileSync(path, bytes);
    const edge = 1024 * 1024;
    const expected = createHash('sha256')
      .update(bytes.subarray(0, edge))
      .update(bytes.subarray(bytes.length - edge))
      .digest('hex');
    const { size, mtimeMs } = statSync(path);
    expect(await fingerprintFile(path)).toBe(`${size}:${Math.trunc(mtimeMs)}:${expected}`);
  });

  it('changes when the content changes, even with the same size and modification time put back', async () => {
    const path = join(dir, 'edited.csv');
    writeFileSync(path, 'x,y\n1,2\n');
    const before = await fingerprintFile(path);
    expect(await fingerprintFile(path)).toBe(before);
    const { atime, mtime } = statSync(path);
    writeFileSync(path, 'x,y\n3,4\n');
    utimesSync(path, atime, mtime);
    const after = await fingerprintFile(path);
    expect(after).not.toBe(before);
    expect(after).toBe(`${statSync(path).size}:${Math.trunc(statSync(path).mtimeMs)}:${sha256(readFileSync(path))}`);
  });
});
