import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-errors.js';
import { checkKeyRecipient, encryptFor, newKeyRecipient } from './key-reveal.js';

describe('key reveals', () => {
  it('encrypts a key that only the holder of the private half reads, differently each time', () => {
    const holder = newKeyRecipient();
    const recipient = checkKeyRecipient(holder.recipient)!;
    const first = encryptFor(recipient, 'pwk_secret');
    expect(first).not.toContain('pwk_secret');
    expect(encryptFor(recipient, 'pwk_secret')).not.toBe(first);
    expect(holder.decrypt(first)).toBe('pwk_secret');
    expect(() => newKeyRecipient().decrypt(first)).toThrow();
  });

  it('keeps only the public parts of a JWK, and refuses anything but an RSA key of 2048 to 4096 bits', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privateJwk = privateKey.export({ format: 'jwk' });
    expect(Object.keys(checkKeyRecipient(privateJwk)!).sort()).toEqual(['e', 'kty', 'n']);
    expect(checkKeyRecipient(undefined)).toBeNull();
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    for (const bad of [small, ec, { kty: 'RSA', n: 'not base64url!', e: 'AQAB' }, 'a string', { kty: 'RSA' }]) {
      const error = (() => {
        try {
          checkKeyRecipient(bad);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 400, where: { param: 'keyRecipient' } });
    }
  });
});
