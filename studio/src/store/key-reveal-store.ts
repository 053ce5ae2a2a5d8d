import { create } from 'zustand';
import type { RunEvent } from '@pipewright/nodes/descriptions';
import { openKeyReveal, takeKeyReveals, type RunKeyPair } from '../api/key-reveals';
import { describeError } from '../api/http';

/** A new deployment's API key, read in this tab: shown once, in the dialog, and kept nowhere else. */
export interface RevealedKey {
  runId: string;
  nodeId: string;
  name: string;
  apiKey: string;
}

interface KeyRevealState {
  /** Keys read and not yet dismissed. */
  shown: RevealedKey[];
  error: string | null;
  /** Runs this tab started whose deployments may still leave a key to read. */
  pending: string[];
  /** Holds a run's private key (in memory: a reload forgets it, and with it any key not yet read). */
  expect(runId: string, pair: RunKeyPair): void;
  /** Takes the run's waiting reveals (each deploy node's, as it reports) and reads them. */
  collect(runId: string): Promise<void>;
  /**
   * Reads a pending run's next events (whichever page is open): a deployment that left a key collects it, and once
   * the run has finished and every deploy node has reported, nothing more can come: the private key is dropped.
   */
  follow(runId: string, events: RunEvent[]): Promise<void>;
  dismiss(): void;
}

const privateKeys = new Map<string, CryptoKey>();

/** Of each pending run: the last event read, the deploy nodes that reported, and those it waits for once finished. */
const followed = new Map<string, { afterSeq: number; reported: Set<string>; waitingFor?: string[] }>();

/** The last event of a pending run already read (0: none yet). */
export function followedUpTo(runId: string): number {
  return followed.get(runId)?.afterSeq ?? 0;
}

export const useKeyRevealStore = create<KeyRevealState>()((set, get) => ({
  shown: [],
  error: null,
  pending: [],

  expect(runId, pair) {
    privateKeys.set(runId, pair.privateKey);
    followed.set(runId, { afterSeq: 0, reported: new Set() });
    set({ pending: [...get().pending.filter((id) => id !== runId), runId] });
  },

  async collect(runId) {
    const privateKey = privateKeys.get(runId);
    // Another tab, or this one before a reload, started the run: the key is not ours to read.
    if (!privateKey) return;
    try {
      const { items } = await takeKeyReveals(runId);
      const keys = await Promise.all(
        items.map(async (item) => ({
          runId,
          nodeId: item.nodeId,
          name: item.name,
          apiKey: await openKeyReveal(privateKey, item.ciphertext),
        })),
      );
      if (keys.length > 0) set({ shown: [...get().shown, ...keys], error: null });
    } catch (error) {
      set({ error: describeError(error) });
    }
  },

  async follow(runId, events) {
    const seen = followed.get(runId);
    if (!privateKeys.has(runId) || !seen) return;
    for (const event of events) {
      seen.afterSeq = Math.max(seen.afterSeq, event.seq);
      if (event.type === 'deployment') seen.reported.add(event.nodeId);
      if (event.type === 'run-finished') {
        seen.waitingFor = event.status === 'succeeded' ? (event.deploying ?? []) : [];
      }
    }
    if (events.some((event) => event.type === 'deployment' && 'keyReveal' in event && event.keyReveal)) {
      await get().collect(runId);
    }
    if (seen.waitingFor?.every((nodeId) => seen.reported.has(nodeId))) {
      privateKeys.delete(runId);
      followed.delete(runId);
      set({ pending: get().pending.filter((id) => id !== runId) });
    }
  },

  dismiss() {
    set({ shown: [], error: null });
  },
}));
