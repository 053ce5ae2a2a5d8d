import type { RowSchema } from './request-rows.js';
import type { ServingBundle } from './serving-bundle.js';

/** A version ready to answer: its bundle and the row schema checked before scoring. */
export interface LoadedVersion {
  version: number;
  bundle: ServingBundle;
  schema: RowSchema;
}

/** What a prediction request is served from: the active version, and a canary taking a share of requests. */
export interface LoadedDeployment {
  id: string;
  name: string;
  active: LoadedVersion;
  canary?: { version: LoadedVersion; share: number };
}

export interface KeyGrant {
  keyId: string;
  deploymentId: string;
  ratePerSecond: number;
}

/**
 * Where deployments and keys come from: the database (the server) or a
 * bundle file (`pipewright serve --bundle`). Lookups are answered from
 * memory on the hot path.
 */
export interface ServingSource {
  /** No keys at all: a replica behind a gateway that authenticates (`pipewright serve --bundle … --open`). */
  open?: boolean;
  deployment(name: string): Promise<LoadedDeployment | undefined> | LoadedDeployment | undefined;
  /** The key's grant (deploymentId '*': any deployment here), or undefined for an unknown or revoked key. */
  key(secret: string): Promise<KeyGrant | undefined> | KeyGrant | undefined;
  /**
   * The share of a key's rate this process enforces (1 when it serves alone):
   * several server instances on one database split each key's rate.
   */
  rateShare?(): number;
  /** Called when a canary request was also scored by the active version, for comparison. */
  compare?(
    deployment: LoadedDeployment,
    served: LoadedVersion,
    other: LoadedVersion,
    rows: number,
    servedOut: unknown[],
    otherOut: unknown[],
  ): void;
}
