import { createHash } from 'node:crypto';
import { open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { NodeError } from '@pipewright/nodes';
import { isInside } from './artifact-store.js';

/**
 * Finds the file a node param names, inside the directories this run may
 * read: a relative path is tried against each directory in order, an
 * absolute one must lie inside one of them; `..` escapes and symlinks that
 * lead out are refused, and a file `mayRead` refuses (another workspace's
 * dataset) is passed over as if it were not there. Returns the real path.
 */
export async function resolveDataFile(
  path: string,
  dataDirs: readonly string[],
  param: string,
  mayRead?: (realPath: string) => Promise<boolean>,
): Promise<string> {
  if (!path.trim()) throw new NodeError(`${param} is empty`, { param });
  if (path.includes('\0')) throw new NodeError(`${param} "${path}" is not a valid path`, { param });
  if (dataDirs.length === 0)
    throw new NodeError(`this run may not read files (no data directories are allowed)`, { param });
  const outside = new NodeError(`${param} "${path}" is outside the directories this run may read`, { param });

  const candidates: { dir: string; file: string }[] = [];
  for (const dir of dataDirs.map((d) => resolve(d))) {
    const file = isAbsolute(path) ? resolve(path) : resolve(dir, path);
    if (isInside(dir, file)) candidates.push({ dir, file });
  }
  if (candidates.length === 0) throw outside;

  for (const { dir, file } of candidates) {
    const real = await realpath(file).catch(() => undefined);
    if (real === undefined) continue;
    if (!isInside(await realpath(dir), real)) throw outside;
    if (mayRead && !(await mayRead(real))) continue;
    const info = await stat(real);
    if (!info.isFile()) throw new NodeError(`${param} "${path}" is not a file`, { param });
    return real;
  }
  throw new NodeError(`${param}: file "${path}" was not found in the directories this run may read`, { param });
}

const WHOLE_FILE_LIMIT = 8 * 1024 * 1024;
const EDGE_BYTES = 1024 * 1024;

/**
 * What changes when a file's content changes, cheaply: size, modification
 * time and a hash (of the whole file when small, of its first and last
 * megabyte when large). A process asks for the same file's fingerprint as a
 * run starts (its cached answers) and again as its worker keys the source
 * node: the hash of a file whose inode, size and times are those it was
 * hashed with is remembered (any write to a file changes its ctime, which
 * no one can set back).
 */
export async function fingerprintFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    // Nanoseconds tell one write from another; the fingerprint keeps the milliseconds it always had.
    const exact = await handle.stat({ bigint: true });
    const info = await handle.stat();
    const identity = `${exact.dev}:${exact.ino}:${exact.size}:${exact.mtimeNs}:${exact.ctimeNs}`;
    const known = fingerprints.get(path);
    if (known?.identity === identity) return known.fingerprint;
    const size = info.size;
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(EDGE_BYTES);
    const update = async (from: number, length: number): Promise<void> => {
      for (let at = from; at < from + length;) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(EDGE_BYTES, from + length - at), at);
        if (bytesRead === 0) break;
        hash.update(buffer.subarray(0, bytesRead));
        at += bytesRead;
      }
    };
    // Read a megabyte at a time into one buffer: a fresh buffer of the whole file costs a page fault a page.
    if (size <= WHOLE_FILE_LIMIT) {
      await update(0, size);
    } else {
      await update(0, EDGE_BYTES);
      await update(size - EDGE_BYTES, EDGE_BYTES);
    }
    const fingerprint = `${size}:${Math.trunc(info.mtimeMs)}:${hash.digest('hex')}`;
    fingerprints.set(path, { identity, fingerprint });
    if (fingerprints.size > REMEMBERED_FINGERPRINTS) fingerprints.delete(fingerprints.keys().next().value as string);
    return fingerprint;
  } finally {
    await handle.close();
  }
}

/** Fingerprints remembered by path (fingerprintFile), the oldest forgotten first. */
const fingerprints = new Map<string, { identity: string; fingerprint: string }>();
const REMEMBERED_FINGERPRINTS = 1000;
