import type { KeyReveal } from '@pipewright/nodes/contracts';
import { requestJson } from './http';

/**
 * A key pair made in this tab for one run: the public half goes with the run's start, and a deployment the
 * run creates leaves its API key encrypted to it. The private half cannot leave the tab (WebCrypto, not
 * extractable) and is gone with it: after a reload the key can never be read again, by design.
 */
export interface RunKeyPair {
  recipient: JsonWebKey;
  privateKey: CryptoKey;
}

const ALGORITHM: RsaHashedKeyGenParams = {
  name: 'RSA-OAEP',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};

/** Undefined where the browser offers no WebCrypto (a page served over plain HTTP to another host). */
export async function newRunKeyPair(): Promise<RunKeyPair | undefined> {
  if (!globalThis.crypto?.subtle) return undefined;
  const pair = await crypto.subtle.generateKey(ALGORITHM, false, ['encrypt', 'decrypt']);
  const { kty, n, e } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { recipient: { kty, n, e }, privateKey: pair.privateKey };
}

export type { KeyReveal };

/** The run's waiting key reveals, for the one who started it; handed out once (a second call finds none). */
export function takeKeyReveals(runId: string): Promise<{ items: KeyReveal[] }> {
  return requestJson('POST', `/runs/${encodeURIComponent(runId)}/key-reveals`, {});
}

export async function openKeyReveal(privateKey: CryptoKey, ciphertext: string): Promise<string> {
  const bytes = Uint8Array.from(atob(ciphertext), (c) => c.charCodeAt(0));
  const plain = await crypto.subtle.decrypt({ name: 'RSA-OAEP' }, privateKey, bytes);
  return new TextDecoder().decode(plain);
}
