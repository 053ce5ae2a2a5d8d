import { dictionary } from '@zxcvbn-ts/language-common';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@pipewright/nodes';

/**
 * zxcvbn-ts's list of the ~49,000 most used passwords (from leaked password
 * sets), lower-cased; made on first use, as only the server's account routes need it.
 */
let commonPasswords: Set<string> | undefined;
const isListed = (password: string): boolean =>
  (commonPasswords ??= new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase()))).has(password);

/** The usual letter-for-symbol swaps, undone before looking a password up ("P@ssw0rd" is "password"). */
const LEET: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '8': 'b',
  '3': 'e',
  '6': 'g',
  '1': 'l',
  '!': 'i',
  '0': 'o',
  $: 's',
  '5': 's',
  '7': 't',
  '2': 'z',
};

/** Words of the service itself, which an attacker tries first. */
const SERVICE_WORDS = ['pipewright'];

/**
 * Why `password` may not be chosen for the account `email`, or undefined when it may (NIST SP 800-63B
 * §3.1.1.2: a minimum length, no composition rules, and a check against commonly used, expected and
 * context-specific values). Lengths count Unicode code points after NFKC, as the hash sees the password.
 */
export function passwordProblem(password: string, email: string): string | undefined {
  const normalized = password.normalize('NFKC');
  const length = [...normalized].length;
  if (length < MIN_PASSWORD_LENGTH) {
    return `a password needs at least ${MIN_PASSWORD_LENGTH} characters; this one has ${length}`;
  }
  if (length > MAX_PASSWORD_LENGTH) return `a password has at most ${MAX_PASSWORD_LENGTH} characters`;
  const lower = normalized.toLowerCase();
  if (/^(.{1,6}?)\1+$/su.test(lower))
    return 'the password is one short pattern repeated: choose one that is harder to guess';
  if (isSequence(lower)) return 'the password is a run of consecutive characters (like "abcd…" or "1234…")';
  if (isCommon(lower))
    return 'the password is a commonly used one (it is in a list of leaked passwords): choose another';
  if (isFromContext(lower, email)) return 'the password is made from the email of the account: choose one that is not';
  return undefined;
}

/** Each character one after (or each one before) the one before it: "abcdefghijkl", "890123456789", "987654321098". */
function isSequence(password: string): boolean {
  const chars = [...password];
  const step = (from: string, to: string): number => {
    if (!/\d/.test(from) || !/\d/.test(to)) return to.codePointAt(0)! - from.codePointAt(0)!;
    const up = (Number(to) - Number(from) + 10) % 10;
    return up === 1 ? 1 : up === 9 ? -1 : 0;
  };
  const steps = new Set(chars.slice(1).map((char, at) => step(chars[at], char)));
  return steps.size === 1 && (steps.has(1) || steps.has(-1));
}

/** In the list as it is, with its symbols swapped back, or once the digits and symbols at its ends are taken off. */
function isCommon(password: string): boolean {
  const unleet = (text: string) => [...text].map((char) => LEET[char] ?? char).join('');
  const core = password.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  return [password, unleet(password), core, unleet(password).replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '')].some(
    (candidate) => candidate.length >= 4 && isListed(candidate),
  );
}

/**
 * Little is left of it once the email, its name part and that part's pieces ("jane.doe" → "jane", "doe"),
 * its domain's first label and the service's name are taken out: fewer than 6 letters or digits, or a common password.
 */
function isFromContext(password: string, email: string): boolean {
  const address = email.trim().toLowerCase();
  const [local = '', domain = ''] = address.split('@');
  const words = [address, local, ...local.split(/[^\p{L}\p{N}]+/u), domain.split('.')[0] ?? '', ...SERVICE_WORDS]
    .filter((word) => [...word].length >= 3)
    .sort((a, b) => b.length - a.length);
  let rest = password;
  for (const word of words) rest = rest.split(word).join(' ');
  if (rest === password) return false;
  const left = rest.replace(/[^\p{L}\p{N}]+/gu, '');
  return [...left].length < 6 || isCommon(left);
}
