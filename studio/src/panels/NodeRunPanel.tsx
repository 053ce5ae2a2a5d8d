import type { NodeRunView } from '../store/run-state';
import { StatusBadge } from '../canvas/StatusBadge';
import { formatCount, formatDuration, formatMetric, METRIC_LABELS, scalarMetrics } from '../canvas/format';

function ConfusionMatrix({ matrix, labels }: { matrix: number[][]; labels?: string[] }) {
  return (
    <table className="pw-confusion" data-testid="confusion-matrix">
      <caption>Confusion matrix (rows: actual, columns: predicted)</caption>
      {labels && (
        <thead>
          <tr>
            <th />
            {labels.map((label) => (
              <th key={label} scope="col">
                {label}
              </th>
            ))}
          </tr>
        </thead>
      )}
      <tbody>
        {matrix.map((row, rowIndex) => (
          <tr key={rowIndex}>
            {labels && <th scope="row">{labels[rowIndex]}</th>}
            {row.map((count, columnIndex) => (
              <td key={columnIndex} className={rowIndex === columnIndex ? 'pw-confusion__hit' : undefined}>
                {formatCount(count)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

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
export function NodeRunPanel({ state }: { state: NodeRunView }) {
  const metrics = scalarMetrics(state.metrics);
  const confusion = confusionOf(state.metrics);
  return (
    <section className="pw-inspector__section" aria-label="Run">
      <h3>Last run</h3>
      <div className="pw-run-facts">
        <StatusBadge status={state.status} />
        {state.durationMs !== null && <span>{formatDuration(state.durationMs)}</span>}
        {state.status === 'running' && <span>{Math.round(state.progress * 100)}%</span>}
        {state.epoch !== undefined && (
          <span>
            epoch {state.epoch}
            {state.epochs !== undefined && `/${state.epochs}`}
          </span>
        )}
        {state.loss !== undefined && <span>loss {state.loss.toFixed(4)}</span>}
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
      {state.outputs && state.outputs.length > 0 && (
        <ul className="pw-outputs">
          {state.outputs.map((output) => (
            <li key={output.port}>
              <code>{output.port}</code>
              {output.kind !== output.port && ` ${output.kind}`}
              {output.rows !== undefined && ` · ${formatCount(output.rows)} rows`}
              {output.columns !== undefined && ` · ${output.columns} columns`}
            </li>
          ))}
        </ul>
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
      {confusion && <ConfusionMatrix matrix={confusion.matrix} labels={confusion.labels} />}
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
