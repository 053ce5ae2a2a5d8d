import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { NodeError, type FanOut, type MetricValue, type NodeFailure } from '@pipewright/nodes';
import { ARTIFACT_STORE } from '../artifacts/artifact-store.token.js';
import { PgNotificationListener } from '../events/pg-notification-listener.js';
import { JobQueue } from '../queue/job-queue.js';
import type { ArtifactStore } from '../runtime/artifact-store.js';
import { canonicalJson } from '../runtime/job-key.js';
import { WorkerRegistry } from './worker-registry.js';

/** The channel a finished part's key is announced on, for the node job waiting for it. */
export const PART_DONE_CHANNEL = 'pipewright_part_done';

/** How often a waiting node looks for parts whose announcement it missed, and for parts that died. */
const CHECK_EVERY_MS = 3_000;

/** What a part job leaves in the artifact store under its part key: its result, or why it failed. */
export type StoredPart = { result: unknown; worker?: string } | { failure: NodeFailure };

type PartResultHandler<R> = (done: number, index: number, result: R, worker?: string) => Promise<void> | void;

/** The key a part's result is stored under: the node's job key and the part, so a part done once stays done. */
export function partKey(jobKey: string, part: unknown): string {
  return createHash('sha256')
    .update(`${jobKey}\n${canonicalJson(part)}`)
    .digest('hex');
}

export async function savePart(store: ArtifactStore, key: string, scratchDir: string, part: StoredPart): Promise<void> {
  await store.saveOutputs(key, scratchDir, {
    part: { kind: 'metrics', key, metrics: part as unknown as Record<string, MetricValue> },
  });
}

async function readPart(store: ArtifactStore, key: string): Promise<StoredPart | undefined> {
  const stored = (await store.readOutputs(key))?.part;
  return stored?.kind === 'metrics' ? (stored.metrics as unknown as StoredPart) : undefined;
}

/**
 * ctx.fanOut on a worker: a node's parts become jobs on the `part` queue,
 * which every worker takes beside its node jobs (so a node waiting for its
 * parts never keeps them from a worker). Each part job stores its result in
 * the artifact store under its part key and announces it; the node's job
 * waits for the announcements, idle, looking now and then for one it missed
 * or a part whose every try failed. Parts stored by an earlier attempt of
 * the node are not sent again. Cancelling the node withdraws its parts.
 */
@Injectable()
export class NodeFanOut {
  constructor(
    private readonly queue: JobQueue,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    private readonly registry: WorkerRegistry,
    private readonly listener: PgNotificationListener,
  ) {}

  async forNode(runId: string, nodeId: string, jobKey: string, signal: AbortSignal): Promise<FanOut> {
    const workers = await this.registry.liveCount();
    return {
      workers,
      map: <T, R>(parts: T[], onResult?: PartResultHandler<R>) =>
        this.map<T, R>({ runId, nodeId, jobKey, signal }, parts, onResult),
    };
  }

  private async map<T, R>(
    node: { runId: string; nodeId: string; jobKey: string; signal: AbortSignal },
    parts: T[],
    onResult?: PartResultHandler<R>,
  ): Promise<R[]> {
    const keys = parts.map((part) => partKey(node.jobKey, part));
    const results: R[] = new Array<R>(parts.length);
    const pending = new Map<number, string>();
    let done = 0;
    let wake: () => void = () => undefined;
    let announcedMeanwhile = false;
    // Listening starts before any part is sent: no announcement can slip by.
    const stopListening = await this.listener.listen(PART_DONE_CHANNEL, (key) => {
      if (!keys.includes(key)) return;
      announcedMeanwhile = true;
      wake();
    });
    const take = async (index: number, stored: StoredPart): Promise<void> => {
      if ('failure' in stored) {
        const { message, ...where } = stored.failure;
        throw new NodeError(`part ${index + 1} of ${parts.length}: ${message}`, where);
      }
      results[index] = stored.result as R;
      done += 1;
      await onResult?.(done, index, results[index], stored.worker);
    };
    try {
      const missing: number[] = [];
      for (let i = 0; i < parts.length; i++) {
        const stored = await readPart(this.store, keys[i]);
        if (stored) await take(i, stored);
        else missing.push(i);
      }
      const ids = await this.queue.sendParts(
        missing.map((i) => ({
          runId: node.runId,
          nodeId: node.nodeId,
          jobKey: node.jobKey,
          partKey: keys[i],
          part: parts[i],
        })),
      );
      missing.forEach((index, n) => pending.set(index, ids[n]));
      let lastCheck = Date.now();
      while (pending.size > 0) {
        const announced = await new Promise<boolean>((resolve) => {
          if (announcedMeanwhile || node.signal.aborted) {
            resolve(announcedMeanwhile);
            return;
          }
          const timer = setTimeout(() => resolve(false), CHECK_EVERY_MS);
          const onAbort = (): void => resolve(false);
          wake = () => {
            clearTimeout(timer);
            node.signal.removeEventListener('abort', onAbort);
            resolve(true);
          };
          node.signal.addEventListener('abort', onAbort, { once: true });
        });
        announcedMeanwhile = false;
        if (node.signal.aborted) throw new NodeError('cancelled');
        const checkJobs = !announced || Date.now() - lastCheck >= CHECK_EVERY_MS;
        if (checkJobs) lastCheck = Date.now();
        for (const [index, jobId] of [...pending]) {
          const stored = await readPart(this.store, keys[index]);
          if (stored) {
            pending.delete(index);
            await take(index, stored);
            continue;
          }
          if (!checkJobs) continue;
          const state = await this.queue.partState(jobId);
          if (state === 'failed' || state === 'cancelled' || state === undefined) {
            throw new NodeError(
              `part ${index + 1} of ${parts.length} was tried on the workers until it gave up (${state ?? 'its job is gone'}); see the workers' logs`,
            );
          }
        }
      }
      return results;
    } finally {
      stopListening();
      if (pending.size > 0) await this.queue.cancelParts([...pending.values()]).catch(() => undefined);
    }
  }
}
