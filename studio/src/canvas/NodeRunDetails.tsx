import type { ReactNode } from 'react';
import type { NodeRunView } from '../store/run-state';
import { baselineVerdict } from './baseline';
import { formatCount, formatDuration, formatMetric, METRIC_LABELS, scalarMetrics } from './format';
import { StatusBadge } from './StatusBadge';

/**
 * At most this many on the node's one metrics line, each whole (one that does not fit the width is left off, never
 * cut); hover and the inspector show them all.
 */
const METRICS_ON_NODE = 3;

/** A training node's latest epoch (of how many) and loss, where it reported them. */
export function EpochAndLoss({ state }: { state: Pick<NodeRunView, 'epoch' | 'epochs' | 'loss'> }) {
  return (
    <>
      {state.epoch !== undefined && (
        <span>
          epoch {state.epoch}
          {state.epochs !== undefined && `/${state.epochs}`}
        </span>
      )}
      {state.loss !== undefined && <span>loss {state.loss.toFixed(4)}</span>}
    </>
  );
}

/**
 * The foot of a node in a run, in two lines of a fixed height: its status,
 * duration and output size, then its progress, metrics, loss or error. A
 * node keeps its size through a run, so results never cover a neighbour;
 * everything else (all metrics, the full error, charts) is in the inspector.
 */
export function NodeRunDetails({ nodeId, state }: { nodeId: string; state: NodeRunView }) {
  const allMetrics = scalarMetrics(state.metrics);
  const metrics = allMetrics.slice(0, METRICS_ON_NODE);
  const table = state.outputs?.find((output) => output.kind === 'table' && output.rows !== undefined);
  const done = state.status === 'succeeded' || state.status === 'cached';
  const verdict = done ? baselineVerdict(state.metrics) : null;
  const percent = Math.round(state.progress * 100);
  let detail: ReactNode = null;
  if (state.status === 'running') {
    detail = (
      <div className="pw-node__progress" data-testid="node-progress">
        <div className="pw-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
          <div className="pw-progress__bar" style={{ width: `${Math.max(2, percent)}%` }} />
        </div>
        {(state.epoch !== undefined || state.loss !== undefined || state.detail) && (
          <div className="pw-node__progress-text">
            <EpochAndLoss state={state} />
            {state.detail && state.epoch === undefined && <span>{state.detail}</span>}
          </div>
        )}
      </div>
    );
  } else if (state.status === 'failed' && state.error) {
    detail = (
      <div className="pw-node__error" role="alert" data-testid="node-error" title={state.error.message}>
        {state.error.message}
      </div>
    );
  } else if (metrics.length > 0) {
    detail = (
      <dl
        className="pw-node__metrics"
        data-testid="node-metric-line"
        title={allMetrics.map(([key, value]) => `${METRIC_LABELS[key] ?? key} ${formatMetric(value)}`).join(' · ')}
      >
        {metrics.map(([key, value]) => (
          <div key={key} className="pw-metric" data-testid={`metric-${key}`}>
            <dt>{METRIC_LABELS[key] ?? key}</dt>
            <dd>{formatMetric(value)}</dd>
          </div>
        ))}
      </dl>
    );
  } else if (done && state.loss !== undefined) {
    detail = (
      <div className="pw-node__progress-text">
        {state.epochs !== undefined && <span>{state.epochs} epochs</span>}
        <span>final loss {state.loss.toFixed(4)}</span>
      </div>
    );
  }
  return (
    <div className="pw-node__run">
      <div className="pw-node__status-line">
        <StatusBadge status={state.status} testId={`status-${nodeId}`} />
        {state.status === 'running' && <span className="pw-node__percent">{percent}%</span>}
        {done && state.durationMs !== null && (
          <span data-testid="node-duration">{formatDuration(state.durationMs)}</span>
        )}
        {done && table?.rows !== undefined && (
          <span>
            {formatCount(table.rows)} rows{table.columns !== undefined && ` × ${table.columns}`}
          </span>
        )}
        {verdict && !verdict.beats && (
          <span className="pw-node__flag" role="note" title={verdict.text} data-testid={`baseline-flag-${nodeId}`}>
            ⚠ not above baseline
          </span>
        )}
      </div>
      <div className="pw-node__detail">{detail}</div>
    </div>
  );
}
