// Zod compiles object parsers with `new Function` when it may, and probes for
// it at the first parse; the server's Content Security Policy forbids eval
// (script-src 'self'), so the browser would report each probe as a violation.
// Zod reads this global when it loads: its interpreted parsers answer the same.
// A file of its own (not inline script, which the CSP also forbids), loaded
// before the studio's modules so no parse can come first.
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true });
