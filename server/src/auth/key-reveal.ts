import {
  constants,
  createPublicKey,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  type KeyObject,
} from 'node:crypto';
import { BadRequestError } from '../api/api-errors.js';

/**
 * The public half of a key pair that only the person starting a run holds (a browser tab's WebCrypto key, the
 * CLI process's): an API key made by that run's deploy is encrypted to it (RSA-OAEP with SHA-256), so the
 * database never holds the key in plain text and nobody else (another subscriber of the run, a reader of the
 * table, the same person after a reload) can read it.
 */
export interface KeyRecipient {
  kty: 'RSA';
  n: string;
  e: string;
}

const MIN_BITS = 2048;
const MAX_BITS = 4096;

/** The recipient a run is started with, reduced to its public parts; a 400 naming `keyRecipient` when unusable. */
export function checkKeyRecipient(value: unknown): KeyRecipient | null {
  if (value === undefined || value === null) return null;
  const jwk = value as Partial<KeyRecipient>;
  let key: KeyObject | undefined;
  try {
    if (jwk.kty === 'RSA' && typeof jwk.n === 'string' && typeof jwk.e === 'string') {
      key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
    }
  } catch {
    key = undefined;
  }
  const bits = key?.asymmetricKeyDetails?.modulusLength ?? 0;
  if (!key || bits < MIN_BITS || bits > MAX_BITS) {
    throw new BadRequestError(
      `keyRecipient must be an RSA public key of ${MIN_BITS} to ${MAX_BITS} bits as a JWK ({ kty: "RSA", n, e }), for RSA-OAEP with SHA-256`,
      { param: 'keyRecipient' },
    );
  }
  return { kty: 'RSA', n: jwk.n!, e: jwk.e! };
}

/** `secret` encrypted to the recipient, base64: what a key reveal stores and hands back. */
export function encryptFor(recipient: KeyRecipient, secret: string): string {
  const key = createPublicKey({ key: { ...recipient }, format: 'jwk' });
  return publicEncrypt(
    { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    Buffer.from(secret, 'utf8'),
  ).toString('base64');
}

/** A key pair held in this process only (the CLI's): its public half to start a run with, and the means to read. */
export function newKeyRecipient(): { recipient: KeyRecipient; decrypt(ciphertext: string): string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: MIN_BITS });
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    recipient: { kty: 'RSA', n: jwk.n!, e: jwk.e! },
    decrypt: (ciphertext) =>
      privateDecrypt(
        { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        Buffer.from(ciphertext, 'base64'),
      ).toString('utf8'),
  };
}
