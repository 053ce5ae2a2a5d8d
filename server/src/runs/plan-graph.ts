import type { Plan } from '@pipewright/nodes';

/** Every node that depends, directly or not, on `nodeId`. */
export function downstreamOf(plan: Plan, nodeId: string): Set<string> {
  const found = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const job of plan.jobs) {
      if (found.has(job.nodeId)) continue;
      if (job.dependsOn.some((upstream) => upstream === nodeId || found.has(upstream))) {
        found.add(job.nodeId);
        grew = true;
      }
    }
  }
  return found;
}
