import type { ProgressDetail } from './define-node.js';
import type { Status } from './status.js';

/** What a failed node reports: the message names the param, column or row it is about. */
export interface NodeFailure {
  message: string;
  param?: string;
  column?: string;
  row?: number;
}

/** A short description of one output, shown on the canvas and in the CLI. */
export interface OutputSummary {
  port: string;
  kind: 'table' | 'model' | 'transform' | 'metrics';
  rows?: number;
  columns?: number;
  /** A model's: the trainer that scores it (a tuning node's model is its best trainer's), for the export offer. */
  algorithm?: string;
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Whether a new version of a deployment serves: its deploy.service node's policy, and the right of who ran it. */
export interface PromotionDecision {
  policy: 'always' | 'ifBetter';
  promoted: boolean;
  /** Why, in words, with both figures and the rows when models were compared. */
  reason: string;
  /** ifBetter: the metric compared, the margin asked for, both figures on the same rows. */
  metric?: string;
  minGain?: number;
  challenger?: number;
  champion?: { version: number; value: number };
  rows?: number;
  /** The evaluate node whose withheld rows both models were scored on. */
  evaluatedBy?: string;
}

/**
 * What a deploy.service node's auto-deploy came to once its run succeeded: the version it made (serving, or
 * kept as a candidate that does not serve, with the decision), or why none was made. `keyReveal`: the
 * deployment was created and its first API key waits, encrypted, for the one who started the run.
 */
export type DeploymentOutcome =
  | { name: string; version: number; serving: boolean; decision?: PromotionDecision; keyReveal?: boolean }
  | { name: string; error: string };

export type RunEventBody =
  | { type: 'run-started' }
  | { type: 'node-queued'; nodeId: string }
  | { type: 'node-started'; nodeId: string }
  | ({ type: 'node-progress'; nodeId: string; pct: number } & ProgressDetail)
  | { type: 'node-log'; nodeId: string; level: 'info' | 'warn' | 'error'; message: string }
  | {
      type: 'node-finished';
      nodeId: string;
      cached: boolean;
      durationMs: number;
      outputs: OutputSummary[];
      metrics?: Record<string, unknown>;
    }
  | { type: 'node-failed'; nodeId: string; error: NodeFailure }
  | { type: 'node-cancelled'; nodeId: string }
  /** `deploying`: the deploy.service nodes whose outcome follows, each as a `deployment` event. */
  | { type: 'run-finished'; status: RunStatus; deploying?: string[] }
  | ({ type: 'deployment'; nodeId: string } & DeploymentOutcome);

export type RunEvent = RunEventBody & { runId: string; seq: number; at: string };

/** The run document: `GET /api/runs/:id` and the CLI's `--json` output share it. */
export interface RunNodeState {
  status: Status;
  cached: boolean;
  durationMs: number | null;
  progress: number;
  metrics?: Record<string, unknown>;
  error?: NodeFailure;
}

/** What started a run: a person, the CLI, a schedule's cron, or a new version of the dataset a schedule watches. */
export type RunTrigger =
  | { kind: 'user'; userId: string | null }
  | { kind: 'cli' }
  | { kind: 'schedule'; scheduleId: string; cron: string; timezone: string }
  | { kind: 'dataset'; scheduleId: string; dataset: string; version: number };

/** A source node of a run and the dataset version it read (pinned when the run started). */
export interface RunDataset {
  nodeId: string;
  name: string;
  version: number;
}

export interface RunDocument {
  id: string;
  pipelineId: string | null;
  version: number | null;
  status: RunStatus;
  params: Record<string, unknown>;
  trigger: RunTrigger;
  /** The named datasets its source nodes read, with the version of each. */
  datasets: RunDataset[];
  nodes: Record<string, RunNodeState>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Socket.IO `/runs` namespace events. */
export interface ServerToClientEvents {
  'run-event': (event: RunEvent) => void;
  'subscribe-error': (error: { runId: string; message: string }) => void;
  /** The session is over (logout, expiry, a password change, a disabled account): the server closes the socket next. */
  'session-ended': (info: { reason: string }) => void;
}

export interface ClientToServerEvents {
  subscribe: (request: { runId: string; afterSeq?: number }) => void;
  unsubscribe: (request: { runId: string }) => void;
}
