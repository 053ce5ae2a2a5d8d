import type { DeploymentOutcome, NodeFailure, OutputSummary, PlanJob, RunDocument, RunEvent } from '@pipewright/nodes';
import type { CliDeployment, CliRunDocument } from '@pipewright/nodes/contracts';
import cliProgress from 'cli-progress';

/** What one auto-deploying deploy.service node came to, with the new deployment's API key when it was created. */
export type AutoDeployment = { nodeId: string; apiKey?: string } & DeploymentOutcome;

/** What `pipewright run --json` prints, and one deployment's outcome in it: the contract's. */
export type { CliDeployment, CliRunDocument };

export function cliRunDocument(document: RunDocument, deployments: AutoDeployment[] = []): CliRunDocument {
  const nodes: CliRunDocument['nodes'] = {};
  for (const [id, node] of Object.entries(document.nodes)) {
    nodes[id] = {
      status: node.status,
      cached: node.cached,
      durationMs: node.durationMs,
      ...(node.metrics ? { metrics: node.metrics } : {}),
      ...(node.error ? { error: node.error } : {}),
    };
  }
  return {
    status: document.status,
    nodes,
    ...(deployments.length > 0 ? { deployments: deployments.map(cliDeployment) } : {}),
  };
}

function cliDeployment(outcome: AutoDeployment): CliDeployment {
  if ('error' in outcome) return { nodeId: outcome.nodeId, name: outcome.name, error: outcome.error };
  return {
    nodeId: outcome.nodeId,
    name: outcome.name,
    version: outcome.version,
    predictPath: predictPath(outcome.name),
    serving: outcome.serving,
    ...(outcome.decision ? { decision: outcome.decision } : {}),
    ...(outcome.apiKey ? { apiKey: outcome.apiKey } : {}),
  };
}

function predictPath(name: string): string {
  return `/api/predict/${name}`;
}

/**
 * What a run's deployments came to, for someone who has never served a model: where to call it, with which
 * key. Those that failed are not here: the command says why on stderr.
 */
export function deploymentReport(deployments: AutoDeployment[]): string[] {
  const lines: string[] = [];
  for (const outcome of deployments) {
    if ('error' in outcome) continue;
    const { name, decision } = outcome;
    if (!outcome.serving) {
      lines.push(
        '',
        `Kept "${name}" version ${outcome.version} as a candidate that does not serve (node "${outcome.nodeId}").`,
        ...(decision ? [`  Why: ${decision.reason}.`] : []),
        `  The serving version stays. An admin may promote it: POST /api/deployments/${name}/promote {"version": ${outcome.version}}`,
      );
      continue;
    }
    lines.push('', `Deployed "${name}" version ${outcome.version} (node "${outcome.nodeId}").`);
    if (decision && decision.policy === 'ifBetter') lines.push(`  It serves: ${decision.reason}.`);
    lines.push(
      `  Predictions: POST ${predictPath(name)} with {"rows": [{…}]}, served by \`npm start\` (or \`pipewright serve\`)`,
      '  on this database, at http://localhost:7400 unless PORT says otherwise.',
    );
    if (outcome.apiKey) {
      lines.push(
        `  API key, shown only this once (keep it): ${outcome.apiKey}`,
        '  Send it as "Authorization: Bearer <key>".',
      );
    } else {
      lines.push(`  Callers keep the API key given when "${name}" was first deployed ("Authorization: Bearer <key>").`);
    }
  }
  return lines;
}

/** Shows a run's events as they arrive. */
export interface RunProgressView {
  onEvent(event: RunEvent): void;
  stop(): void;
}

/** Per-node bars that fill as nodes report progress (a terminal). */
export class BarsProgressView implements RunProgressView {
  private readonly bars = new Map<string, cliProgress.SingleBar>();
  private readonly multibar: cliProgress.MultiBar;

  constructor(jobs: PlanJob[], stream: NodeJS.WriteStream) {
    const width = Math.max(...jobs.map((job) => job.nodeId.length), 4);
    this.multibar = new cliProgress.MultiBar(
      {
        stream,
        format: `{icon} {node} {bar} {percentage}% {status}{detail}`,
        barsize: 20,
        hideCursor: true,
        clearOnComplete: false,
        autopadding: true,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    for (const job of jobs) {
      this.bars.set(
        job.nodeId,
        this.multibar.create(100, 0, { icon: '·', node: job.nodeId.padEnd(width), status: 'queued', detail: '' }),
      );
    }
  }

  onEvent(event: RunEvent): void {
    if (!('nodeId' in event)) return;
    const bar = this.bars.get(event.nodeId);
    if (!bar) return;
    switch (event.type) {
      case 'node-started':
        bar.update(0, { icon: '▸', status: 'running', detail: '' });
        break;
      case 'node-progress':
        bar.update(Math.round(event.pct), { detail: progressDetail(event) });
        break;
      case 'node-log':
        if (event.level !== 'info') this.multibar.log(`${event.level}: ${event.nodeId}: ${event.message}\n`);
        break;
      case 'node-finished':
        bar.update(100, {
          icon: event.cached ? '=' : '✓',
          status: event.cached ? 'cached' : `done in ${formatDuration(event.durationMs)}`,
          detail: outputsDetail(event.outputs),
        });
        break;
      case 'node-failed':
        bar.update({ icon: '✗', status: 'failed', detail: ` — ${event.error.message}` });
        break;
      case 'node-cancelled':
        bar.update({ icon: '–', status: 'cancelled', detail: '' });
        break;
    }
  }

  stop(): void {
    this.multibar.stop();
  }
}

/** One line per thing that happens (a log file, a pipe, CI). */
export class LinesProgressView implements RunProgressView {
  /** The last quarter of progress printed per node. */
  private readonly quarters = new Map<string, number>();

  constructor(private readonly write: (line: string) => void) {}

  onEvent(event: RunEvent): void {
    switch (event.type) {
      case 'node-started':
        this.write(`▸ ${event.nodeId} started`);
        break;
      case 'node-progress': {
        const quarter = Math.floor(event.pct / 25);
        if (quarter > (this.quarters.get(event.nodeId) ?? 0) && event.pct < 100) {
          this.quarters.set(event.nodeId, quarter);
          this.write(`  ${event.nodeId} ${Math.round(event.pct)}%${progressDetail(event)}`);
        }
        break;
      }
      case 'node-log':
        this.write(`  ${event.nodeId}${event.level === 'info' ? '' : ` ${event.level}`}: ${event.message}`);
        break;
      case 'node-finished':
        this.write(
          event.cached
            ? `= ${event.nodeId} cached${outputsDetail(event.outputs)}`
            : `✓ ${event.nodeId} done in ${formatDuration(event.durationMs)}${outputsDetail(event.outputs)}`,
        );
        break;
      case 'node-failed':
        this.write(`✗ ${event.nodeId} failed: ${describeFailure(event.error)}`);
        break;
      case 'node-cancelled':
        this.write(`– ${event.nodeId} cancelled`);
        break;
    }
  }

  stop(): void {}
}

/** The lines that end a run: its outcome, then every evaluate node's metrics. */
export function runReport(document: RunDocument, jobs: PlanJob[]): string[] {
  const lines: string[] = [];
  const nodes = Object.entries(document.nodes);
  const cached = nodes.filter(([, node]) => node.status === 'cached').length;
  const ran = nodes.filter(([, node]) => node.status === 'succeeded').length;
  const took =
    document.startedAt && document.finishedAt
      ? ` in ${formatDuration(Date.parse(document.finishedAt) - Date.parse(document.startedAt))}`
      : '';
  lines.push('');
  lines.push(`Run ${document.status}${took}: ${nodes.length} nodes (${ran} ran, ${cached} cached)`);
  for (const [id, node] of nodes) {
    if (node.status === 'failed' && node.error) lines.push(`  node "${id}" failed: ${describeFailure(node.error)}`);
  }
  for (const job of jobs) {
    const metrics = document.nodes[job.nodeId]?.metrics;
    if (!metrics || !(job.type.startsWith('evaluate.') || metrics.cv !== undefined)) continue;
    lines.push('');
    lines.push(`${job.nodeId} (${job.type}):`);
    lines.push(...metricLines(metrics));
  }
  return lines;
}

export function describeFailure(failure: NodeFailure): string {
  const where = [
    failure.param !== undefined ? `param "${failure.param}"` : '',
    failure.column !== undefined ? `column "${failure.column}"` : '',
    failure.row !== undefined ? `row ${failure.row}` : '',
  ].filter(Boolean);
  return where.length ? `${failure.message} (${where.join(', ')})` : failure.message;
}

function metricLines(metrics: Record<string, unknown>): string[] {
  const scalars = Object.entries(metrics).filter(([, value]) => typeof value === 'number');
  const width = Math.max(0, ...scalars.map(([name]) => name.length));
  const lines = scalars.map(([name, value]) => `  ${name.padEnd(width)}  ${formatNumber(value as number)}`);
  const confusion = metrics.confusionMatrix as { labels?: unknown[]; matrix?: unknown } | undefined;
  if (
    confusion &&
    Array.isArray(confusion.labels) &&
    Array.isArray(confusion.matrix) &&
    confusion.labels.length <= 12
  ) {
    const labels = confusion.labels.map(String);
    const matrix = confusion.matrix as number[][];
    const cell = Math.max(6, ...labels.map((label) => label.length), ...matrix.flat().map((n) => String(n).length));
    lines.push('  confusion matrix (rows: true class, columns: predicted)');
    lines.push(`  ${''.padEnd(cell)}  ${labels.map((label) => label.padStart(cell)).join('  ')}`);
    labels.forEach((label, row) => {
      lines.push(`  ${label.padEnd(cell)}  ${(matrix[row] ?? []).map((n) => String(n).padStart(cell)).join('  ')}`);
    });
  }
  lines.push(...crossValidationLines(metrics.cv), ...importanceLines(metrics.importances));
  return lines;
}

/** `cross-validation (5 folds): accuracy 0.9560 ± 0.0150, …` of a trainer's `folds` report. */
function crossValidationLines(cv: unknown): string[] {
  if (!cv || typeof cv !== 'object') return [];
  const report = cv as Record<string, unknown>;
  const scores = Object.entries(report).flatMap(([name, value]) => {
    const metric = value as { mean?: unknown; std?: unknown } | null;
    return typeof metric === 'object' && metric && typeof metric.mean === 'number' && typeof metric.std === 'number'
      ? [`${name} ${formatNumber(metric.mean)} ± ${formatNumber(metric.std)}`]
      : [];
  });
  if (scores.length === 0) return [];
  return [`  cross-validation (${String(report.folds)} folds): ${scores.join(', ')}`];
}

/** The ten most important features of `evaluate.importance`, with a bar each. */
function importanceLines(importances: unknown): string[] {
  if (!Array.isArray(importances) || importances.length === 0) return [];
  const rows = (importances as { feature: string; importance: number; std: number }[]).slice(0, 10);
  const top = Math.max(...rows.map((row) => Math.abs(row.importance)), Number.MIN_VALUE);
  const width = Math.max(...rows.map((row) => row.feature.length));
  const lines = ['  feature importance (drop in score when shuffled)'];
  for (const row of rows) {
    const bar = '█'.repeat(Math.max(0, Math.round((20 * row.importance) / top)));
    lines.push(
      `  ${row.feature.padEnd(width)}  ${formatNumber(row.importance).padStart(8)} ± ${formatNumber(row.std)}  ${bar}`,
    );
  }
  if (importances.length > rows.length) lines.push(`  … and ${importances.length - rows.length} more`);
  return lines;
}

function progressDetail(event: Extract<RunEvent, { type: 'node-progress' }>): string {
  const parts: string[] = [];
  if (event.epoch !== undefined)
    parts.push(`epoch ${event.epoch}${event.epochs !== undefined ? `/${event.epochs}` : ''}`);
  if (event.loss !== undefined) parts.push(`loss ${formatNumber(event.loss)}`);
  if (event.valLoss !== undefined) parts.push(`val loss ${formatNumber(event.valLoss)}`);
  if (event.detail) parts.push(event.detail);
  return parts.length ? ` — ${parts.join(', ')}` : '';
}

function outputsDetail(outputs: OutputSummary[]): string {
  const tables = outputs.filter((output) => output.kind === 'table' && output.rows !== undefined);
  if (tables.length === 0) return '';
  const described = tables.map((t) => `${t.port}: ${t.rows} rows × ${t.columns} columns`);
  return ` — ${described.join('; ')}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1000 ? value.toFixed(1) : value.toFixed(4);
}
