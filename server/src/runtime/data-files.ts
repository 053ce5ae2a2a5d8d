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
 * megabyte when large).
 */
export async function fingerprintFile(path: string): Promise<string> {
  const info = await stat(path);
  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  try {
    if (info.size <= WHOLE_FILE_LIMIT) {
      hash.update(await handle.readFile());
    } else {
      const edge = Buffer.alloc(EDGE_BYTES);
      await handle.read(edge, 0, EDGE_BYTES, 0);
      hash.update(edge);
      await handle.read(edge, 0, EDGE_BYTES, info.size - EDGE_BYTES);
      hash.update(edge);
    }
  } finally {
    await handle.close();
  }
  return `${info.size}:${Math.trunc(info.mtimeMs)}:${hash.digest('hex')}`;
}
