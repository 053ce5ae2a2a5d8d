import { lazy, Suspense, useState } from 'react';
import { runPipeline } from '../actions/run-pipeline';
import { routeHref } from '../routing';
import { tuningOf, type NodeRunView } from '../store/run-state';
import { useRunStore } from '../store/run-store';
import { ModelExportView } from './ModelExportView';
import { TuningTable } from './TuningTable';
import { ConfusionHeatmap } from '../charts/ConfusionHeatmap';
import { EpochAndLoss } from '../canvas/NodeRunDetails';
import { StatusBadge } from '../canvas/StatusBadge';
import { baselineVerdict } from '../canvas/baseline';
import { formatCount, formatDuration, formatMetric, METRIC_LABELS, scalarMetrics } from '../canvas/format';

// uPlot loads with the first chart, not with the editor.
const NodeCharts = lazy(() => import('../charts/RunCharts'));
const DataPreview = lazy(() => import('./DataPreview'));
/** Metrics drawn rather than listed. */
const CHARTED_METRICS = ['rocCurve', 'residuals', 'importances', 'profile', 'correlation', 'scatter'];

function isMatrix(value: unknown): value is number[][] {
  return (
    Array.isArray(value) && value.every((row) => Array.isArray(row) && row.every((cell) => typeof cell === 'number'))
  );
}

/** Reads a confusion matrix whether it is a bare matrix or `{ labels, matrix }`. */
function confusionOf(metrics: Record<string, unknown> | undefined): { matrix: number[][]; labels?: string[] } | null {
  const value = metrics?.confusionMatrix;
  if (isMatrix(value)) {
    const labels = metrics?.labels ?? metrics?.classes;
    return { matrix: value, labels: Array.isArray(labels) ? labels.map(String) : undefined };
  }
  if (value && typeof value === 'object' && 'matrix' in value && isMatrix((value as { matrix: unknown }).matrix)) {
    const { matrix, labels } = value as { matrix: number[][]; labels?: unknown };
    return { matrix, labels: Array.isArray(labels) ? labels.map(String) : undefined };
  }
  return null;
}

/** The selected node's part in the run shown on the canvas. */
export function NodeRunPanel({
  state,
  runId,
  nodeId,
  nodeType,
}: {
  state: NodeRunView;
  runId: string;
  nodeId: string;
  nodeType?: string;
}) {
  const [previewPort, setPreviewPort] = useState<string | null>(null);
  const done = state.status === 'succeeded' || state.status === 'cached';
  const modelOutput = state.outputs?.find((output) => output.kind === 'model');
  const metrics = scalarMetrics(state.metrics);
  const confusion = confusionOf(state.metrics);
  const verdict = done ? baselineVerdict(state.metrics) : null;
  const tuning = tuningOf(state);
  // A tuned model is its trainer's model: the export follows that trainer.
  const algorithm = (tuning?.trainer ?? nodeType ?? '').replace(/^train\./, '');
  return (
    <section className="pw-inspector__section" aria-label="Run">
      <h3>Last run</h3>
      <div className="pw-run-facts">
        <StatusBadge status={state.status} />
        {state.durationMs !== null && <span>{formatDuration(state.durationMs)}</span>}
        {state.status === 'running' && <span>{Math.round(state.progress * 100)}%</span>}
        <EpochAndLoss state={state} />
      </div>
      {state.error && (
        <div className="pw-callout pw-callout--error" role="alert">
          {state.error.message}
          {(state.error.param || state.error.column || state.error.row !== undefined) && (
            <div className="pw-callout__where">
              {state.error.param && <span>param {state.error.param}</span>}
              {state.error.column && <span>column {state.error.column}</span>}
              {state.error.row !== undefined && <span>row {state.error.row}</span>}
            </div>
          )}
        </div>
      )}
      <DeploymentOutcomeView nodeId={nodeId} />
      {state.status === 'failed' && (
        <button
          type="button"
          className="pw-button"
          title="Runs the pipeline again: the nodes before this one are taken from the cache"
          onClick={() => void runPipeline()}
        >
          Re-run from here
        </button>
      )}
      {previewPort && (
        <Suspense fallback={null}>
          <DataPreview runId={runId} nodeId={nodeId} port={previewPort} onClose={() => setPreviewPort(null)} />
        </Suspense>
      )}
      {state.outputs && state.outputs.length > 0 && (
        <ul className="pw-outputs">
          {state.outputs.map((output) => (
            <li key={output.port}>
              <code>{output.port}</code>
              {output.kind !== output.port && ` ${output.kind}`}
              {output.rows !== undefined && ` · ${formatCount(output.rows)} rows`}
              {output.columns !== undefined && ` · ${output.columns} columns`}
              {done && output.kind === 'table' && (
                <button
                  type="button"
                  className="pw-button pw-button--small"
                  aria-label={`Preview ${nodeId}.${output.port}`}
                  onClick={() => setPreviewPort(output.port)}
                >
                  Preview
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {done && nodeType && modelOutput && (
        <ModelExportView
          path={`/api/runs/${runId}/nodes/${encodeURIComponent(nodeId)}/export`}
          algorithm={modelOutput.algorithm ?? algorithm}
          stem={nodeId}
          permission="export-model"
        />
      )}
      {verdict && (
        <p
          className={`pw-callout ${verdict.beats ? '' : 'pw-callout--warning'}`}
          role={verdict.beats ? 'status' : 'alert'}
          data-testid="baseline-verdict"
        >
          {verdict.text}
        </p>
      )}
      {metrics.length > 0 && (
        <table className="pw-metrics-table" data-testid="inspector-metrics">
          <tbody>
            {metrics.map(([key, value]) => (
              <tr key={key} data-testid={`inspector-metric-${key}`}>
                <th scope="row">{METRIC_LABELS[key] ?? key}</th>
                <td>{formatMetric(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {tuning && <TuningTable report={tuning} />}
      {confusion && <ConfusionHeatmap matrix={confusion.matrix} labels={confusion.labels} />}
      {(state.history.length > 0 || CHARTED_METRICS.some((key) => state.metrics?.[key] !== undefined)) && (
        <Suspense fallback={<p className="pw-muted">Loading charts…</p>}>
          <NodeCharts history={state.history} metrics={state.metrics} />
        </Suspense>
      )}
      {state.logs.length > 0 && (
        <details className="pw-logs">
          <summary>Log ({state.logs.length})</summary>
          <ol>
            {state.logs.slice(-50).map((line, index) => (
              <li key={index} className={`pw-log--${line.level}`}>
                {line.message}
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
}

/** A deploy.service node's outcome once its run succeeded: the version, whether it serves, and why. */
function DeploymentOutcomeView({ nodeId }: { nodeId: string }) {
  const outcome = useRunStore((store) => store.run?.deployments[nodeId]);
  const pending = useRunStore((store) => !!store.run?.deploying.includes(nodeId) && !store.run.deployments[nodeId]);
  if (pending) return <p className="pw-muted">Deploying…</p>;
  if (!outcome) return null;
  if ('error' in outcome) {
    return (
      <p className="pw-callout pw-callout--error" role="alert" data-testid="deployment-outcome">
        Not deployed: {outcome.error}
      </p>
    );
  }
  return (
    <div
      className={`pw-callout ${outcome.serving ? '' : 'pw-callout--warning'}`}
      role="status"
      data-testid="deployment-outcome"
    >
      <strong>
        {outcome.name} v{outcome.version} {outcome.serving ? 'serves' : 'kept as a candidate (does not serve)'}
      </strong>
      {outcome.decision && <div>{outcome.decision.reason}</div>}
      <a href={routeHref({ page: 'deployments' })}>Deployments</a>
    </div>
  );
}
