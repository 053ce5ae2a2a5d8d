import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { RunStatus } from '@pipewright/nodes/descriptions';
import { cancelRunAction } from '../actions/cancel-run';
import { useRunStore } from '../store/run-store';
import { isRunActive } from '../store/run-state';
import { useDocumentStore } from '../store/document-store';
import { formatDuration } from './format';
import { PermittedButton } from '../permissions/PermittedButton';

const RUN_STATUS_LABELS: Record<RunStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Ticks once a second while `active`, for elapsed times. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/** One line about the run on the canvas: status, nodes done, elapsed time, the live stream, cancel. */
export function RunStatusBar() {
  const summary = useRunStore(
    useShallow((state) => {
      const run = state.run;
      if (!run) return null;
      const nodeStates = Object.entries(run.nodes);
      const failed = nodeStates.find(([, node]) => node.status === 'failed');
      return {
        runId: run.runId,
        status: run.status,
        done: nodeStates.filter(([, node]) => node.status === 'succeeded' || node.status === 'cached').length,
        cached: nodeStates.filter(([, node]) => node.status === 'cached').length,
        failedNode: failed?.[0],
        failedMessage: failed?.[1].error?.message,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        stream: state.stream,
        streamError: state.streamError,
      };
    }),
  );
  const nodeCount = useDocumentStore((state) => state.nodes.length);
  const active = summary !== null && isRunActive(summary.status);
  const now = useNow(active);
  if (!summary) return null;

  const started = summary.startedAt ? new Date(summary.startedAt).getTime() : null;
  const finished = summary.finishedAt ? new Date(summary.finishedAt).getTime() : null;
  const elapsed = started !== null ? Math.max(0, (finished ?? now) - started) : null;

  return (
    <div
      className={`pw-runbar pw-runbar--${summary.status}`}
      data-testid="run-status"
      data-status={summary.status}
      role="status"
      title={`run ${summary.runId}`}
    >
      <span className="pw-runbar__dot" aria-hidden />
      <strong>{RUN_STATUS_LABELS[summary.status]}</strong>
      <span className="pw-runbar__sep" />
      <span className="pw-runbar__count">
        {summary.done}/{nodeCount} nodes done{summary.cached > 0 && ` (${summary.cached} cached)`}
      </span>
      {elapsed !== null && (
        <>
          <span className="pw-runbar__sep" />
          <span>{formatDuration(elapsed)}</span>
        </>
      )}
      {summary.failedNode && (
        <>
          <span className="pw-runbar__sep" />
          <span className="pw-runbar__error">
            {summary.failedNode}: {summary.failedMessage}
          </span>
        </>
      )}
      {active && summary.stream === 'reconnecting' && <span className="pw-runbar__stream">Reconnecting…</span>}
      {summary.streamError && <span className="pw-runbar__error">{summary.streamError}</span>}
      <span className="pw-runbar__id" title={summary.runId}>
        run {summary.runId.slice(0, 8)}
      </span>
      {active && (
        <PermittedButton
          permission="cancel-run"
          className="pw-button pw-button--small"
          onClick={() => void cancelRunAction.perform()}
        >
          {cancelRunAction.label}
        </PermittedButton>
      )}
    </div>
  );
}
