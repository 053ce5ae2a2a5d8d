import type { Status } from '@pipewright/nodes/descriptions';

const STATUS_LABELS: Record<Status, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  cached: 'Cached',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function StatusBadge({ status, testId }: { status: Status; testId?: string }) {
  return (
    <span className={`pw-badge pw-badge--${status}`} data-testid={testId} data-status={status}>
      <span className="pw-badge__dot" aria-hidden />
      {STATUS_LABELS[status]}
    </span>
  );
}
