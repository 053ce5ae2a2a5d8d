import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import type { PortValue, TableRef } from '@pipewright/nodes';
import { isInside, type ArtifactStore } from './artifact-store.js';
import type { S3Connection, S3Location } from './s3-location.js';

interface StoredManifest {
  format: 'pipewright-outputs/v1';
  key: string;
  savedAt: string;
  outputs: Record<string, PortValue>;
}

const MANIFEST = 'outputs.json';
const KEY_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;
const URI_PATTERN = /^[A-Za-z0-9_-]{2}\/[A-Za-z0-9_-]{8,128}\/[A-Za-z0-9_.-]+$/;

/**
 * An S3 client for the connection. An S3-compatible server is addressed
 * path-style (MinIO, Ceph and the like serve buckets under the path), and
 * sent checksums only where S3 requires them: the SDK's default streams
 * uploads `aws-chunked` with a trailing checksum, which many such servers
 * store as part of the object.
 */
export function s3Client(connection: S3Connection): S3Client {
  const config: S3ClientConfig = { region: connection.region };
  if (connection.credentials) config.credentials = connection.credentials;
  if (connection.endpoint) {
    config.endpoint = connection.endpoint;
    config.forcePathStyle = true;
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
  }
  return new S3Client(config);
}

/**
 * The artifact store in an S3-compatible bucket, laid out as the local one:
 * `<prefix>/<first two characters of key>/<key>/<file>`. A key's tables go up
 * first and its manifest last, so a key is stored (`has`) only once it is
 * whole; a worker killed mid-upload leaves files no manifest names, and the
 * next attempt writes them again.
 */
export class S3ArtifactStore implements ArtifactStore {
  constructor(
    private readonly client: S3Client,
    readonly location: S3Location,
    /** Where stored files are kept on this machine once fetched (previews read them there). */
    private readonly cacheDir: string,
  ) {}

  async has(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: this.manifestKey(key) }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async readOutputs(key: string): Promise<Record<string, PortValue> | undefined> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: this.manifestKey(key) }),
      );
      const text = await answer.Body!.transformToString('utf8');
      return (JSON.parse(text) as StoredManifest).outputs;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async saveOutputs(
    key: string,
    jobDir: string,
    outputs: Record<string, PortValue>,
  ): Promise<Record<string, PortValue>> {
    const manifestKey = this.manifestKey(key);
    const stored: Record<string, PortValue> = {};
    for (const [port, value] of Object.entries(outputs)) {
      stored[port] = value.kind === 'table' ? await this.uploadTable(key, jobDir, value) : value;
    }
    const manifest: StoredManifest = {
      format: 'pipewright-outputs/v1',
      key,
      savedAt: new Date().toISOString(),
      outputs: stored,
    };
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.location.bucket,
        Key: manifestKey,
        Body: `${JSON.stringify(manifest, null, 2)}\n`,
        ContentType: 'application/json',
      }),
    );
    // The job directory's copies have been uploaded; like the local store, saving moves them.
    for (const value of Object.values(outputs)) {
      if (value.kind === 'table' && !value.deferred && !isAbsolute(value.uri))
        await rm(join(jobDir, value.uri), { force: true });
    }
    return stored;
  }

  async materialise(uri: string, destDir: string): Promise<string> {
    const dest = join(destDir, uri.replaceAll('/', '_'));
    await this.download(uri, dest);
    return dest;
  }

  async localPath(uri: string): Promise<string> {
    const path = join(this.cacheDir, this.checkUri(uri));
    // Stored files never change under their uri (keys are content hashes), so a cached copy stays good.
    if (!existsSync(path)) await this.download(uri, path);
    return path;
  }

  private async uploadTable(key: string, jobDir: string, table: TableRef): Promise<TableRef> {
    // A table kept as its SQL has no file: the manifest holds all of it.
    if (table.deferred) return table;
    const written = join(jobDir, table.uri);
    if (!isAbsolute(table.uri) && isInside(jobDir, written) && existsSync(written)) {
      const uri = `${key.slice(0, 2)}/${key}/${basename(written)}`;
      const { size } = await stat(written);
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: this.objectKey(uri),
          Body: createReadStream(written),
          ContentLength: size,
        }),
      );
      return { ...table, uri };
    }
    // A node may hand a stored table on unchanged: it stays where it is.
    if (URI_PATTERN.test(table.uri) && (await this.objectExists(this.objectKey(table.uri)))) return table;
    throw new Error(
      `output table ${table.key} points at ${table.uri}, which is neither in the job directory nor stored`,
    );
  }

  private async download(uri: string, dest: string): Promise<void> {
    const objectKey = this.objectKey(this.checkUri(uri));
    const answer = await this.client
      .send(new GetObjectCommand({ Bucket: this.location.bucket, Key: objectKey }))
      .catch((error: unknown) => {
        if (isMissing(error)) throw new Error(`"${uri}" is not a stored artifact`);
        throw error;
      });
    await mkdir(dirname(dest), { recursive: true });
    // Written beside, then renamed: a reader never sees half a file.
    const partial = `${dest}.${randomUUID()}.part`;
    try {
      await pipeline(answer.Body as Readable, createWriteStream(partial));
      await rename(partial, dest);
    } finally {
      await rm(partial, { force: true });
    }
  }

  private async objectExists(objectKey: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: objectKey }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  private checkUri(uri: string): string {
    if (!URI_PATTERN.test(uri)) throw new Error(`"${uri}" is not a stored artifact`);
    return uri;
  }

  private manifestKey(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error(`"${key}" is not an artifact key`);
    return this.objectKey(`${key.slice(0, 2)}/${key}/${MANIFEST}`);
  }

  private objectKey(path: string): string {
    return this.location.prefix ? `${this.location.prefix}/${path}` : path;
  }
}

function isMissing(error: unknown): boolean {
  if (error instanceof NoSuchKey || error instanceof NotFound) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404;
}
