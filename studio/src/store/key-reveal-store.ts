import { create } from 'zustand';
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
  /** Holds a run's private key (in memory: a reload forgets it, and with it any key not yet read). */
  expect(runId: string, pair: RunKeyPair): void;
  /** Takes the run's waiting reveals (each deploy node's, as it reports) and reads them. */
  collect(runId: string): Promise<void>;
  dismiss(): void;
}

const privateKeys = new Map<string, CryptoKey>();

export const useKeyRevealStore = create<KeyRevealState>()((set, get) => ({
  shown: [],
  error: null,

  expect(runId, pair) {
    privateKeys.set(runId, pair.privateKey);
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

  dismiss() {
    set({ shown: [], error: null });
  },
}));
