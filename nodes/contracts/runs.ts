import { z } from 'zod';
import { columnInfoSchema, pageQuerySchema, storedIntegerText, timestampSchema } from './common.js';
import { nodeFailureSchema, nodeStatusSchema, runStatusSchema } from './run-events.js';

/** What started a run: a person, the CLI, a schedule's cron, or a new version of the dataset a schedule watches. */
export const runTriggerSchema = z.union([
  z.object({ kind: z.literal('user'), userId: z.string().nullable() }).strict(),
  z.object({ kind: z.literal('cli') }).strict(),
  z.object({ kind: z.literal('schedule'), scheduleId: z.string(), cron: z.string(), timezone: z.string() }).strict(),
  z
    .object({ kind: z.literal('dataset'), scheduleId: z.string(), dataset: z.string(), version: z.number().int() })
    .strict(),
]);
export type RunTrigger = z.infer<typeof runTriggerSchema>;

/** A node of a run as the run document shows it. */
export const runNodeStateSchema = z
  .object({
    status: nodeStatusSchema,
    cached: z.boolean(),
    durationMs: z.number().nullable(),
    progress: z.number(),
    metrics: z.record(z.string(), z.unknown()).optional(),
    error: nodeFailureSchema.optional(),
  })
  .strict();
export type RunNodeState = z.infer<typeof runNodeStateSchema>;

/** A source node of a run and the dataset version it read (pinned when the run started). */
export const runDatasetSchema = z.object({ nodeId: z.string(), name: z.string(), version: z.number().int() }).strict();
export type RunDataset = z.infer<typeof runDatasetSchema>;

/** The run document: `GET /api/runs/:id` and the CLI's `--json` output share it. */
export const runDocumentSchema = z
  .object({
    id: z.string(),
    pipelineId: z.string().nullable(),
    version: z.number().int().nullable(),
    status: runStatusSchema,
    params: z.record(z.string(), z.unknown()),
    trigger: runTriggerSchema,
    /** The named datasets its source nodes read, with the version of each. */
    datasets: z.array(runDatasetSchema),
    nodes: z.record(z.string(), runNodeStateSchema),
    createdAt: timestampSchema,
    startedAt: timestampSchema.nullable(),
    finishedAt: timestampSchema.nullable(),
  })
  .strict();
export type RunDocument = z.infer<typeof runDocumentSchema>;

/** A run as `GET /pipelines/:id/runs` lists it. */
export const runSummarySchema = z
  .object({
    id: z.string(),
    pipelineId: z.string().nullable(),
    version: z.number().int().nullable(),
    /** The pipeline's name when it ran. */
    name: z.string(),
    status: runStatusSchema,
    trigger: runTriggerSchema,
    createdAt: timestampSchema,
    startedAt: timestampSchema.nullable(),
    finishedAt: timestampSchema.nullable(),
  })
  .strict();
export type RunSummary = z.infer<typeof runSummarySchema>;

/** `POST /pipelines/:id/runs`. */
export const startRunSchema = z
  .object({
    params: z.record(z.string(), z.unknown()).optional(),
    /** An RSA-OAEP public key (JWK): a deployment this run creates shows its API key, encrypted to it, once. */
    keyRecipient: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type StartRunBody = z.infer<typeof startRunSchema>;
export const startedRunSchema = z.object({ id: z.string() }).strict();

/** `GET /runs/:id/events?afterSeq=`. */
export const runEventsQuerySchema = z.object({ afterSeq: storedIntegerText(0).default(0) }).strict();
/** `GET /runs/:id/nodes/:node/preview?port=`. */
export const previewQuerySchema = z.object({ port: z.string().min(1).default('out') }).strict();
/** `?version=N` lists only the runs of that version of the pipeline (the studio shows an old version's own run). */
export const pipelineRunsQuerySchema = pageQuerySchema.extend({ version: storedIntegerText(1).optional() }).strict();

/** A plain JSON value of a previewed row. */
const sqlValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** `GET /runs/:id/nodes/:node/preview`: the first rows of a node's output table. */
export const tablePreviewSchema = z
  .object({
    columns: z.array(columnInfoSchema),
    /** The first rows, as plain JSON values. */
    rows: z.array(z.record(z.string(), sqlValueSchema)),
    /** Rows in the whole table. */
    total: z.number().int().min(0),
  })
  .strict();
export type TablePreview = z.infer<typeof tablePreviewSchema>;
