import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy.js';

const email = 'jane.doe@acme.example';

describe('passwordProblem (NIST SP 800-63B)', () => {
  it('refuses fewer than 12 characters, counting code points', () => {
    expect(passwordProblem('short-pass1', email)).toBe('a password needs at least 12 characters; this one has 11');
    expect(passwordProblem('€€€€€€€€€€€', email)).toMatch(/this one has 11/);
  });

  it('refuses repeated patterns and runs, spaces included', () => {
    expect(passwordProblem(' '.repeat(12), email)).toMatch(/one short pattern repeated/);
    expect(passwordProblem('abcabcabcabc', email)).toMatch(/one short pattern repeated/);
    expect(passwordProblem('abcdefghijklm', email)).toMatch(/run of consecutive characters/);
    expect(passwordProblem('890123456789', email)).toMatch(/run of consecutive characters/);
    expect(passwordProblem('987654321098', email)).toMatch(/run of consecutive characters/);
  });

  it('refuses common passwords, with symbols swapped or digits added', () => {
    for (const password of [
      'qwerty123456',
      '1qaz2wsx3edc',
      'Password123456',
      'P@ssw0rd2024!',
      'letmein!!!!!!',
      'Sunshine2025?',
    ]) {
      expect(passwordProblem(password, email), password).toMatch(/commonly used/);
    }
  });

  it('refuses the email and what is made from it or the service name', () => {
    for (const password of [
      email,
      'JANE.DOE@ACME.EXAMPLE',
      'jane.doe2024!',
      'janedoe-acme',
      'acme-jane-doe',
      'pipewright2026',
      'Jane Doe password',
    ]) {
      expect(passwordProblem(password, email), password).toMatch(/made from the email/);
    }
  });

  it('accepts long passphrases and random strings, with spaces and any script', () => {
    for (const password of [
      'correct horse battery staple',
      'jane likes purple giraffes',
      'x7#Kq9!vLm2@',
      'ÉtéàMontréal 2026',
      '東京の夏は暑いですね本当に',
    ]) {
      expect(passwordProblem(password, email), password).toBeUndefined();
    }
  });
});
