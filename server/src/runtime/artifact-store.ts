import { randomUUID } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { PortValue, TableRef } from '@pipewright/nodes';

/**
 * Where job outputs live between jobs, addressed by the job's cache key. The
 * interface is what an S3-compatible store would implement too: outputs go
 * in whole or not at all, and a stored table is fetched into a job directory
 * before DuckDB reads it.
 */
export interface ArtifactStore {
  has(key: string): Promise<boolean>;
  /** The outputs stored under `key`, or undefined when nothing is. */
  readOutputs(key: string): Promise<Record<string, PortValue> | undefined>;
  /**
   * Stores a job's outputs: table files the job wrote in `jobDir` (TableRef
   * uris relative to it) move into the store and their uris are rewritten.
   * Returns the outputs as stored.
   */
  saveOutputs(key: string, jobDir: string, outputs: Record<string, PortValue>): Promise<Record<string, PortValue>>;
  /** Makes the stored file `uri` readable inside `destDir`; returns its path there. */
  materialise(uri: string, destDir: string): Promise<string>;
  /** A path on this machine to read the stored file `uri` from (previews). */
  localPath(uri: string): Promise<string>;
}

interface StoredManifest {
  format: 'pipewright-outputs/v1';
  key: string;
  savedAt: string;
  outputs: Record<string, PortValue>;
}

const MANIFEST = 'outputs.json';
const KEY_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;

/** The artifact store in a local directory: `<root>/<first two characters of key>/<key>/`. */
export class LocalArtifactStore implements ArtifactStore {
  readonly rootDir: string;

  constructor(rootDir: string) {
    this.rootDir = resolve(rootDir);
  }

  async has(key: string): Promise<boolean> {
    return existsSync(join(this.keyDir(key), MANIFEST));
  }

  async readOutputs(key: string): Promise<Record<string, PortValue> | undefined> {
    try {
      const manifest = JSON.parse(await readFile(join(this.keyDir(key), MANIFEST), 'utf8')) as StoredManifest;
      return manifest.outputs;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async saveOutputs(
    key: string,
    jobDir: string,
    outputs: Record<string, PortValue>,
  ): Promise<Record<string, PortValue>> {
    const finalDir = this.keyDir(key);
    const staging = join(this.rootDir, '.staging', `${key}-${randomUUID()}`);
    await mkdir(staging, { recursive: true });
    try {
      const stored: Record<string, PortValue> = {};
      for (const [port, value] of Object.entries(outputs)) {
        stored[port] = value.kind === 'table' ? await this.stageTable(key, jobDir, staging, value) : value;
      }
      const manifest: StoredManifest = {
        format: 'pipewright-outputs/v1',
        key,
        savedAt: new Date().toISOString(),
        outputs: stored,
      };
      await writeFile(join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
      await mkdir(join(finalDir, '..'), { recursive: true });
      if (await this.publish(staging, finalDir)) return stored;
      // Another job with this key published first. Its outputs hold the same rows but may be kept otherwise (a
      // table it stored as the SQL that makes it, where this job wrote a file that is now discarded): the
      // outputs to hand on are the ones stored.
      return (await this.readOutputs(key)) ?? stored;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  async materialise(uri: string, destDir: string): Promise<string> {
    const source = this.resolveUri(uri);
    const dest = join(destDir, uri.replaceAll('/', '_'));
    await cloneFile(source, dest);
    return dest;
  }

  async localPath(uri: string): Promise<string> {
    return this.resolveUri(uri);
  }

  private keyDir(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error(`"${key}" is not an artifact key`);
    return join(this.rootDir, key.slice(0, 2), key);
  }

  private async stageTable(key: string, jobDir: string, staging: string, table: TableRef): Promise<TableRef> {
    // A table kept as its SQL has no file: the manifest holds all of it.
    if (table.deferred) return table;
    const written = join(jobDir, table.uri);
    if (!isAbsolute(table.uri) && isInside(jobDir, written) && existsSync(written)) {
      const name = basename(written);
      await moveFile(written, join(staging, name));
      return { ...table, uri: `${key.slice(0, 2)}/${key}/${name}` };
    }
    // A node may hand a stored table on unchanged: it stays where it is.
    if (existsSync(this.resolveUri(table.uri))) return table;
    throw new Error(
      `output table ${table.key} points at ${table.uri}, which is neither in the job directory nor stored`,
    );
  }

  /**
   * Makes the staged directory visible under its key in one rename. Keys are
   * content hashes, so when another job with the same key (a sibling branch
   * with the same type, params and inputs) published first, its copy is the
   * same and stays; ours is discarded. Answers whether ours was published.
   */
  private async publish(staging: string, finalDir: string): Promise<boolean> {
    try {
      await rename(staging, finalDir);
      return true;
    } catch (error) {
      if (!isCode(error, 'ENOTEMPTY') && !isCode(error, 'EEXIST')) throw error;
      if (!existsSync(join(finalDir, MANIFEST))) throw error;
      return false;
    }
  }

  private resolveUri(uri: string): string {
    const path = resolve(this.rootDir, uri);
    if (isAbsolute(uri) || !isInside(this.rootDir, path)) throw new Error(`"${uri}" is not a stored artifact`);
    return path;
  }
}

export function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !isAbsolute(rel) && !rel.split(sep).includes('..');
}

/**
 * A private copy of `source` for a job: a copy-on-write clone where the file
 * system has them (btrfs, XFS, APFS), else a plain copy. Never a hard link:
 * DuckDB may write inside the job directory (`COPY … (USE_TMP_FILE false)`
 * writes in place), and through a link that would rewrite a stored
 * artifact or the user's own data file.
 */
export async function cloneFile(source: string, dest: string): Promise<void> {
  await rm(dest, { force: true });
  await copyFile(source, dest, constants.COPYFILE_FICLONE);
}

async function moveFile(source: string, dest: string): Promise<void> {
  try {
    await rename(source, dest);
  } catch (error) {
    if (!isCode(error, 'EXDEV')) throw error;
    await copyFile(source, dest);
    await rm(source, { force: true });
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

function isNotFound(error: unknown): boolean {
  return isCode(error, 'ENOENT');
}
