/** Where in an S3-compatible store artifacts live: `s3://bucket/prefix`. */
export interface S3Location {
  bucket: string;
  /** No leading or trailing slash; may be empty. */
  prefix: string;
}

/** How to reach the store: an S3-compatible server's URL, the region, and keys when the environment gives them. */
export interface S3Connection {
  endpoint?: string;
  region: string;
  /** From AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; absent: the SDK's own chain (profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export type S3Artifacts = S3Location & S3Connection;

/**
 * The connection the usual AWS variables describe: `AWS_ENDPOINT_URL_S3` or
 * `AWS_ENDPOINT_URL` (an S3-compatible server), `AWS_REGION` or
 * `AWS_DEFAULT_REGION` (default us-east-1), `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`.
 */
export function readS3Connection(env: NodeJS.ProcessEnv): S3Connection {
  const endpoint = env.AWS_ENDPOINT_URL_S3?.trim() || env.AWS_ENDPOINT_URL?.trim() || undefined;
  if (endpoint && !/^https?:\/\/[^/]+/.test(endpoint)) {
    throw new Error(`AWS_ENDPOINT_URL must be an http(s):// URL; got "${endpoint}"`);
  }
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim();
  const sessionToken = env.AWS_SESSION_TOKEN?.trim() || undefined;
  return {
    endpoint,
    region: env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || 'us-east-1',
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, sessionToken } : undefined,
  };
}

/** Parses `s3://bucket/prefix` (the prefix optional); throws naming what is wrong. */
export function parseS3Location(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url.trim());
  if (!match) throw new Error(`"${url}" is not an s3://bucket/prefix address`);
  const bucket = match[1];
  // S3's bucket naming rules, which S3-compatible servers follow too.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new Error(`"${bucket}" is not a bucket name (3–63 lower-case letters, digits, dots and hyphens)`);
  }
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix.split('/').some((part) => part === '..' || part === '.')) {
    throw new Error(`the prefix of "${url}" may not hold "." or ".." parts`);
  }
  return { bucket, prefix };
}
