import { z } from 'zod';
import { pageSchema, storedInteger, storedIntegerText, timestampSchema } from './common.js';
import { promotionDecisionSchema } from './run-events.js';

/** A deployment as `GET /deployments` lists it: the version that serves, its canary, the model kind. */
export const deploymentSummarySchema = z
  .object({
    name: z.string(),
    activeVersion: z.number().int().min(1),
    versions: z.number().int().min(1),
    canary: z
      .object({ version: z.number().int().min(1), share: z.number().min(0).max(1) })
      .strict()
      .nullable(),
    algorithm: z.string(),
    task: z.string(),
    label: z.string().optional(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .strict();
export type DeploymentSummary = z.infer<typeof deploymentSummarySchema>;

/** Who or what published a version: a user's run (or an admin's deploy by hand), a schedule's run, the CLI. */
export const versionTriggerSchema = z
  .object({
    kind: z.enum(['user', 'schedule', 'cli']),
    userId: z.string().optional(),
    email: z.string().optional(),
    /** Deployed by hand (POST /api/deployments) rather than by a run's deploy.service node. */
    manual: z.boolean().optional(),
  })
  .strict();
export type VersionTrigger = z.infer<typeof versionTriggerSchema>;

/** An admin made a version serve by hand. */
export const handPromotionSchema = z.object({ userId: z.string(), email: z.string(), at: timestampSchema }).strict();
export type HandPromotion = z.infer<typeof handPromotionSchema>;

/**
 * A version in a deployment's history (`GET /deployments/:name/versions`, the detail's `versionList`): whether
 * it serves, what made it, its evaluation's figures, and (every version a run published) whether its policy
 * promoted it and why — for a challenger, both models' figures on the same rows. `active` is `serving` under
 * its older name.
 */
export const deploymentVersionSchema = z
  .object({
    version: z.number().int().min(1),
    serving: z.boolean(),
    active: z.boolean(),
    runId: z.string().nullable(),
    nodeId: z.string(),
    algorithm: z.string(),
    inputs: z.array(z.object({ name: z.string(), type: z.string() }).strict()),
    /** A classifier's classes, in the order its probabilities come. */
    classes: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
    createdAt: timestampSchema,
    trigger: versionTriggerSchema.optional(),
    /** The figures its evaluation gave (accuracy, f1, …; r2, rmse, …). */
    metrics: z.record(z.string(), z.number()).optional(),
    promoted: z.boolean().optional(),
    reason: z.string().optional(),
    decision: promotionDecisionSchema.optional(),
    handPromotion: handPromotionSchema.optional(),
  })
  .strict();
export type DeploymentVersion = z.infer<typeof deploymentVersionSchema>;

/** An API key as lists show it: never the key itself, which its creation answers once. */
export const apiKeySummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** The key's first characters, to tell keys apart. */
    prefix: z.string(),
    /** Requests a second it may make. */
    rateLimitPerSecond: z.number().int().min(1),
    createdAt: timestampSchema,
    revokedAt: timestampSchema.nullable(),
  })
  .strict();
export type ApiKeySummary = z.infer<typeof apiKeySummarySchema>;

/** `POST /deployments/:name/keys`: the new key, the only time it is shown. */
export const createdApiKeySchema = apiKeySummarySchema.extend({ apiKey: z.string() }).strict();
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

/** `GET /deployments/:name`: the deployment and its versions; its keys (names, prefixes) only to an admin. */
export const deploymentDetailSchema = deploymentSummarySchema
  .extend({ versionList: z.array(deploymentVersionSchema), keys: z.array(apiKeySummarySchema).optional() })
  .strict();
export type DeploymentDetail = z.infer<typeof deploymentDetailSchema>;

export const deploymentListSchema = pageSchema(deploymentSummarySchema);
export const deploymentVersionListSchema = pageSchema(deploymentVersionSchema);
export const apiKeyListSchema = pageSchema(apiKeySummarySchema);

/** A request the canary answered, with both versions' predictions (`GET /deployments/:name/comparisons`, newest first). */
export const canaryComparisonSchema = z
  .object({
    servedVersion: z.number().int(),
    otherVersion: z.number().int(),
    rows: z.number().int().min(0),
    /** Rows both versions predicted alike. */
    agreeingRows: z.number().int().min(0),
    /** The first 100 predictions of each version. */
    served: z.array(z.unknown()),
    other: z.array(z.unknown()),
    createdAt: timestampSchema,
  })
  .strict();
export type CanaryComparison = z.infer<typeof canaryComparisonSchema>;
export const canaryComparisonListSchema = z.object({ items: z.array(canaryComparisonSchema) }).strict();

/** A new deployment's first API key, encrypted to whoever started the run that created it. */
export const keyRevealSchema = z
  .object({
    nodeId: z.string(),
    name: z.string(),
    /** RSA-OAEP (SHA-256) ciphertext, base64: only the private key the run was started with reads it. */
    ciphertext: z.string(),
  })
  .strict();
export type KeyReveal = z.infer<typeof keyRevealSchema>;
export const keyRevealListSchema = z.object({ items: z.array(keyRevealSchema) }).strict();

/** Serving figures of one version since the server started (`GET /deployments/:name/metrics`). */
export const versionFiguresSchema = z
  .object({
    version: z.number().int(),
    requests: z.number().int().min(0),
    rows: z.number().int().min(0),
    errors: z.number().int().min(0),
    meanMs: z.number().nullable(),
    /** The upper bound of the latency bucket that holds the 99th percentile. */
    p99Ms: z.number().nullable(),
  })
  .strict();
export type VersionFigures = z.infer<typeof versionFiguresSchema>;
export const versionFiguresListSchema = z.object({ items: z.array(versionFiguresSchema) }).strict();

/** `POST /deployments`: a run's trained model published by hand. */
export const deployRequestSchema = z
  .object({ runId: z.string().min(1), nodeId: z.string().min(1), name: z.string().min(1).optional() })
  .strict();
/** What a deploy by hand answers; `apiKey` only when the deployment was created, shown this once. */
export const deployResultSchema = z
  .object({ name: z.string(), version: z.number().int().min(1), apiKey: z.string().optional() })
  .strict();
export type DeployResult = z.infer<typeof deployResultSchema>;

/** `POST /deployments/:name/promote`: this version answers from now on (a roll-back, or forward). */
export const promoteRequestSchema = z.object({ version: storedInteger(1) }).strict();
/** `PUT /deployments/:name/canary`: `share` of requests (0 to 1) go to `version`. */
export const canaryRequestSchema = z.object({ version: storedInteger(1), share: z.number().min(0).max(1) }).strict();
/** `POST /deployments/:name/keys`. */
export const createKeyRequestSchema = z
  .object({
    name: z.string().min(1).max(100).optional(),
    rateLimitPerSecond: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();
export type CreateKeyRequest = z.infer<typeof createKeyRequestSchema>;
/** `POST /deployments/:name/batch`: the dataset (id, or path in the datasets directory) to score. */
export const batchRequestSchema = z.object({ dataset: z.string().min(1) }).strict();
/** `GET /deployments/:name/bundle?version=`. */
export const bundleQuerySchema = z.object({ version: storedIntegerText(1).optional() }).strict();

/** A batch-scoring job (`POST /deployments/:name/batch` answers it; poll `GET …/batch/:id`). */
export const batchJobSchema = z
  .object({
    id: z.string(),
    deployment: z.string(),
    version: z.number().int(),
    input: z.string(),
    status: z.enum(['running', 'succeeded', 'failed']),
    /** 0 to 100. */
    progress: z.number(),
    rowsDone: z.number().int().min(0),
    rowsTotal: z.number().int().min(0).nullable(),
    /** The predictions, as a dataset (what source.parquet's `path` takes). */
    output: z.object({ id: z.string(), name: z.string(), path: z.string() }).strict().optional(),
    error: z.string().optional(),
    startedAt: timestampSchema,
    finishedAt: timestampSchema.optional(),
  })
  .strict();
export type BatchJob = z.infer<typeof batchJobSchema>;
