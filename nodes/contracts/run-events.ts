import { z } from 'zod';
import type { TuningReport } from '../core/metrics.js';
import { STATUSES } from '../core/status.js';
import { storedInteger, timestampSchema } from './common.js';

/**
 * What a run and its nodes report as they go: the events a worker appends to PostgreSQL, the server relays over
 * Socket.IO `/runs` and answers at `GET /runs/:id/events`, and the studio and CLI follow.
 */

export const runStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof runStatusSchema>;

/** A node's status in a run (`cached`: answered from an earlier run's output). */
export const nodeStatusSchema = z.enum(STATUSES);

/** What a failed node reports: the message names the param, column or row it is about. */
export const nodeFailureSchema = z.object({
  message: z.string(),
  param: z.string().optional(),
  column: z.string().optional(),
  row: z.number().int().optional(),
});
export type NodeFailure = z.infer<typeof nodeFailureSchema>;

/** A short description of one output, shown on the canvas and in the CLI. */
export const outputSummarySchema = z.object({
  port: z.string(),
  kind: z.enum(['table', 'model', 'transform', 'metrics']),
  rows: z.number().int().min(0).optional(),
  columns: z.number().int().min(0).optional(),
  /** A model's: the trainer that scores it (a tuning node's model is its best trainer's), for the export offer. */
  algorithm: z.string().optional(),
});
export type OutputSummary = z.infer<typeof outputSummarySchema>;

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

/** What a node's `ctx.progress(pct, detail)` adds to its progress event. */
export const progressDetailSchema = z.object({
  detail: z.string().optional(),
  epoch: z.number().optional(),
  epochs: z.number().optional(),
  loss: z.number().optional(),
  valLoss: z.number().optional(),
  metrics: z.record(z.string(), z.number()).optional(),
  /** train.tune: its trials table so far, resent whole with each report (a late report replaces an earlier one). */
  tuning: z.custom<TuningReport>(isObject, 'a tuning report is an object').optional(),
});
export type ProgressDetail = z.infer<typeof progressDetailSchema>;

/** Whether a new version of a deployment serves: its deploy.service node's policy, and the right of who ran it. */
export const promotionDecisionSchema = z.object({
  policy: z.enum(['always', 'ifBetter']),
  promoted: z.boolean(),
  /** Why, in words, with both figures and the rows when models were compared. */
  reason: z.string(),
  /** ifBetter: the metric compared, the margin asked for, both figures on the same rows. */
  metric: z.string().optional(),
  minGain: z.number().optional(),
  challenger: z.number().optional(),
  champion: z.object({ version: z.number().int(), value: z.number() }).optional(),
  rows: z.number().int().optional(),
  /** The evaluate node whose withheld rows both models were scored on. */
  evaluatedBy: z.string().optional(),
});
export type PromotionDecision = z.infer<typeof promotionDecisionSchema>;

/**
 * What a deploy.service node's auto-deploy came to once its run succeeded: the version it made (serving, or
 * kept as a candidate that does not serve, with the decision), or why none was made. `keyReveal`: the
 * deployment was created and its first API key waits, encrypted, for the one who started the run.
 */
const deploymentMadeSchema = z.object({
  name: z.string(),
  version: z.number().int(),
  serving: z.boolean(),
  decision: promotionDecisionSchema.optional(),
  keyReveal: z.boolean().optional(),
});
const deploymentRefusedSchema = z.object({ name: z.string(), error: z.string() });
export const deploymentOutcomeSchema = z.union([deploymentMadeSchema, deploymentRefusedSchema]);
export type DeploymentOutcome = z.infer<typeof deploymentOutcomeSchema>;

const nodeId = z.string();

export const runEventBodySchema = z.union([
  z.object({ type: z.literal('run-started') }),
  z.object({ type: z.literal('node-queued'), nodeId }),
  z.object({ type: z.literal('node-started'), nodeId }),
  progressDetailSchema.extend({ type: z.literal('node-progress'), nodeId, pct: z.number() }),
  z.object({
    type: z.literal('node-log'),
    nodeId,
    level: z.enum(['info', 'warn', 'error']),
    message: z.string(),
  }),
  z.object({
    type: z.literal('node-finished'),
    nodeId,
    cached: z.boolean(),
    durationMs: z.number(),
    outputs: z.array(outputSummarySchema),
    metrics: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({ type: z.literal('node-failed'), nodeId, error: nodeFailureSchema }),
  z.object({ type: z.literal('node-cancelled'), nodeId }),
  /** `deploying`: the deploy.service nodes whose outcome follows, each as a `deployment` event. */
  z.object({ type: z.literal('run-finished'), status: runStatusSchema, deploying: z.array(z.string()).optional() }),
  deploymentMadeSchema.extend({ type: z.literal('deployment'), nodeId }),
  deploymentRefusedSchema.extend({ type: z.literal('deployment'), nodeId }),
]);
export type RunEventBody = z.infer<typeof runEventBodySchema>;

/** Where an event sits: its run, its place in the run's gapless sequence, when it was appended. */
export const runEventEnvelopeSchema = z.object({
  runId: z.string(),
  seq: z.number().int().min(1),
  at: timestampSchema,
});
export const runEventSchema = z.intersection(runEventBodySchema, runEventEnvelopeSchema);
export type RunEvent = z.infer<typeof runEventSchema>;

/** `GET /runs/:id/events?afterSeq=`: the stored events after that seq, in order. */
export const runEventListSchema = z.object({ items: z.array(runEventSchema) }).strict();

/** Socket.IO `/runs` namespace events. */
export interface ServerToClientEvents {
  'run-event': (event: RunEvent) => void;
  'subscribe-error': (error: { runId: string; message: string }) => void;
  /** The session is over (logout, expiry, a password change, a disabled account): the server closes the socket next. */
  'session-ended': (info: { reason: string }) => void;
}

/** Follow a run's events after `afterSeq` (0: from the start); a reconnecting client sends the last seq it saw. */
export const subscribeRequestSchema = z.object({ runId: z.string().min(1), afterSeq: storedInteger(0).default(0) });
export const unsubscribeRequestSchema = z.object({ runId: z.string().min(1) });

export interface ClientToServerEvents {
  subscribe: (request: z.input<typeof subscribeRequestSchema>) => void;
  unsubscribe: (request: z.input<typeof unsubscribeRequestSchema>) => void;
}
