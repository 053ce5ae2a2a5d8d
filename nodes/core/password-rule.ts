/**
 * What the server asks of a password a person chooses (NIST SP 800-63B):
 * a minimum length and no composition rules, checked against common
 * passwords and the account's own email. The studio shows the rule beside
 * every password field; the server holds the check and the list.
 */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;
export const PASSWORD_RULE = `At least ${MIN_PASSWORD_LENGTH} characters — spaces and any letters welcome — and not a common password, a run like "aaaa…" or "1234…", or one made from the email.`;
