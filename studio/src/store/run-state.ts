import type {
  DeploymentOutcome,
  NodeFailure,
  OutputSummary,
  RunDocument,
  RunEvent,
  RunStatus,
  Status,
  TuningReport,
} from '@pipewright/nodes/descriptions';

/** One point of a training curve: what a `node-progress` event carried for an epoch. */
export interface EpochPoint {
  epoch: number;
  loss?: number;
  valLoss?: number;
  metrics?: Record<string, number>;
}

export interface NodeLogLine {
  at: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** What the canvas shows of one node in a run. */
export interface NodeRunView {
  status: Status;
  cached: boolean;
  /** 0…1 */
  progress: number;
  detail?: string;
  epoch?: number;
  epochs?: number;
  loss?: number;
  valLoss?: number;
  durationMs: number | null;
  startedAt?: string;
  metrics?: Record<string, unknown>;
  outputs?: OutputSummary[];
  error?: NodeFailure;
  logs: NodeLogLine[];
  /** Per-epoch loss (and validation loss) as training went, for the live curve. */
  history: EpochPoint[];
  /** train.tune: its trials so far, as its latest progress event carried them (once done: metrics.tuning). */
  tuning?: TuningReport;
  finishedAt?: string;
}

export interface RunView {
  runId: string;
  status: RunStatus;
  nodes: Record<string, NodeRunView>;
  lastSeq: number;
  startedAt: string | null;
  finishedAt: string | null;
  /** The deploy.service nodes whose outcome follows the run's end (run-finished names them). */
  deploying: string[];
  /** What each deploy.service node's auto-deploy came to. */
  deployments: Record<string, DeploymentOutcome>;
}

const LOG_LINES_KEPT = 200;

export function emptyRunView(runId: string): RunView {
  return {
    runId,
    status: 'queued',
    nodes: {},
    lastSeq: 0,
    startedAt: null,
    finishedAt: null,
    deploying: [],
    deployments: {},
  };
}

/** Whether a finished run still has deploy outcomes to come. */
export function awaitsDeployments(run: RunView): boolean {
  return run.deploying.some((nodeId) => !run.deployments[nodeId]);
}

const freshNode = (): NodeRunView => ({
  status: 'queued',
  cached: false,
  progress: 0,
  durationMs: null,
  logs: [],
  history: [],
});

const HISTORY_POINTS_KEPT = 5000;

/** Adds an epoch's point; a later event for the same epoch (a retried job) replaces it. */
export function addEpochPoint(history: EpochPoint[], point: EpochPoint): EpochPoint[] {
  const last = history.at(-1);
  if (last && point.epoch <= last.epoch) {
    const kept = history.filter((earlier) => earlier.epoch < point.epoch);
    return [...kept, point];
  }
  return [...history.slice(-(HISTORY_POINTS_KEPT - 1)), point];
}

/** A tuning node's trials: live from its progress, then as its finished metrics report them. */
export function tuningOf(node: NodeRunView): TuningReport | undefined {
  const finished = node.metrics?.tuning as TuningReport | undefined;
  return finished ?? node.tuning;
}

/** Progress arrives as a percentage (0–100); the view keeps a fraction. */
export function progressFraction(pct: number): number {
  if (!Number.isFinite(pct)) return 0;
  return Math.min(1, Math.max(0, pct / 100));
}

/**
 * Folds one run event into the view. The server owns the state machine and
 * its events arrive in seq order, so each event states the node's new status
 * outright; a view that joined late still lands on the server's state.
 */
export function applyRunEvent(run: RunView, event: RunEvent): RunView {
  if (event.seq <= run.lastSeq) return run;
  const next: RunView = { ...run, lastSeq: event.seq };
  const updateNode = (nodeId: string, update: (node: NodeRunView) => NodeRunView) => {
    next.nodes = { ...next.nodes, [nodeId]: update(next.nodes[nodeId] ?? freshNode()) };
  };
  switch (event.type) {
    case 'run-started':
      next.status = 'running';
      next.startedAt = event.at;
      break;
    case 'node-queued':
      updateNode(event.nodeId, (node) => ({ ...node, status: 'queued' }));
      break;
    case 'node-started':
      if (next.status === 'queued') next.status = 'running';
      updateNode(event.nodeId, (node) => ({
        ...node,
        status: 'running',
        progress: 0,
        startedAt: event.at,
        history: [],
        tuning: undefined,
        error: undefined,
      }));
      break;
    case 'node-progress':
      updateNode(event.nodeId, (node) => ({
        ...node,
        status: 'running',
        progress: progressFraction(event.pct),
        detail: event.detail ?? node.detail,
        epoch: event.epoch ?? node.epoch,
        epochs: event.epochs ?? node.epochs,
        loss: event.loss ?? node.loss,
        valLoss: event.valLoss ?? node.valLoss,
        metrics: event.metrics ?? node.metrics,
        tuning: event.tuning ?? node.tuning,
        history:
          event.epoch !== undefined && (event.loss !== undefined || event.valLoss !== undefined)
            ? addEpochPoint(node.history, {
                epoch: event.epoch,
                loss: event.loss,
                valLoss: event.valLoss,
                metrics: event.metrics,
              })
            : node.history,
      }));
      break;
    case 'node-log':
      updateNode(event.nodeId, (node) => ({
        ...node,
        logs: [...node.logs.slice(-(LOG_LINES_KEPT - 1)), { at: event.at, level: event.level, message: event.message }],
      }));
      break;
    case 'node-finished':
      updateNode(event.nodeId, (node) => ({
        ...node,
        status: event.cached ? 'cached' : 'succeeded',
        cached: event.cached,
        progress: 1,
        durationMs: event.durationMs,
        finishedAt: event.at,
        outputs: event.outputs,
        metrics: event.metrics ?? node.metrics,
      }));
      break;
    case 'node-failed':
      updateNode(event.nodeId, (node) => ({
        ...node,
        status: 'failed',
        error: event.error,
        finishedAt: event.at,
        durationMs: node.startedAt ? Date.parse(event.at) - Date.parse(node.startedAt) : node.durationMs,
      }));
      break;
    case 'node-cancelled':
      updateNode(event.nodeId, (node) => ({
        ...node,
        status: 'cancelled',
        finishedAt: event.at,
        durationMs: node.startedAt ? Date.parse(event.at) - Date.parse(node.startedAt) : node.durationMs,
      }));
      break;
    case 'run-finished':
      next.status = event.status;
      next.finishedAt = event.at;
      next.deploying = event.deploying ?? [];
      break;
    case 'deployment': {
      const { type: _type, runId: _runId, seq: _seq, at: _at, nodeId, ...outcome } = event;
      next.deployments = { ...next.deployments, [nodeId]: outcome };
      break;
    }
  }
  return next;
}

/**
 * Brings a view in line with the run document (`GET /api/runs/:id`), which is
 * authoritative once the run has finished; what only events carry (logs,
 * output summaries, the last epoch and loss) is kept.
 */
export function mergeRunDocument(run: RunView | null, document: RunDocument): RunView {
  const base = run && run.runId === document.id ? run : emptyRunView(document.id);
  const nodes: Record<string, NodeRunView> = { ...base.nodes };
  for (const [nodeId, state] of Object.entries(document.nodes)) {
    const known = nodes[nodeId] ?? freshNode();
    nodes[nodeId] = {
      ...known,
      status: state.status,
      cached: state.cached,
      durationMs: state.durationMs ?? known.durationMs,
      progress: state.status === 'succeeded' || state.status === 'cached' ? 1 : progressFraction(state.progress),
      metrics: state.metrics ?? known.metrics,
      error: state.error ?? known.error,
    };
  }
  return {
    ...base,
    status: document.status,
    nodes,
    startedAt: document.startedAt ?? base.startedAt,
    finishedAt: document.finishedAt ?? base.finishedAt,
  };
}

export function isRunActive(status: RunStatus): boolean {
  return status === 'queued' || status === 'running';
}
