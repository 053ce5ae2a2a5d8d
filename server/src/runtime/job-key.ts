import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal values hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const inner = (value as Record<string, unknown>)[key];
      if (inner !== undefined) sorted[key] = sortKeys(inner);
    }
    return sorted;
  }
  return value;
}

export interface JobIdentity {
  type: string;
  version: number;
  params: Record<string, unknown>;
  /** Input port → the key of the value connected to it. */
  inputs: Record<string, string>;
  /** Fingerprint of the file a source node reads, so an edited file is a cache miss. */
  file?: string;
  /** The sample a source was asked to read instead of all its rows. */
  sample?: { fraction?: number; rows?: number; seed: number };
}

/** The cache key of a job: the same node, params, inputs (and file content) give the same key. */
export function computeJobKey(identity: JobIdentity): string {
  return createHash('sha256').update(canonicalJson(identity)).digest('hex');
}
