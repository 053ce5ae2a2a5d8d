import type { RunEvent } from '@pipewright/nodes/descriptions';
import { useKeyRevealStore } from '../store/key-reveal-store';
import { useViewStore } from '../store/view-store';

/**
 * What the studio does when a deploy.service node of the run it follows reports: says whether the new
 * version serves (and why not), and reads a new deployment's API key when this tab started the run.
 */
export function reportDeployment(event: Extract<RunEvent, { type: 'deployment' }>): void {
  const view = useViewStore.getState();
  if ('error' in event) {
    view.showNotice({
      tone: 'error',
      title: `Could not deploy "${event.name}"`,
      message: event.error,
      nodeId: event.nodeId,
    });
    return;
  }
  if (event.keyReveal) void useKeyRevealStore.getState().collect(event.runId);
  view.showNotice(
    event.serving
      ? {
          tone: 'success',
          title: `"${event.name}" v${event.version} serves`,
          message: event.decision?.policy === 'ifBetter' ? event.decision.reason : undefined,
          nodeId: event.nodeId,
        }
      : {
          tone: 'warning',
          title: `"${event.name}" v${event.version} kept as a candidate that does not serve`,
          message: event.decision?.reason,
          nodeId: event.nodeId,
        },
    { autoHideMs: event.serving ? 6000 : 0 },
  );
}
