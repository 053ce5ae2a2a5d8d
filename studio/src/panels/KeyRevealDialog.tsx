import { useRef, useState } from 'react';
import { routeHref } from '../routing';
import { useKeyRevealStore } from '../store/key-reveal-store';
import { Dialog } from './Dialog';

/**
 * A deployment this tab's run created: its API key, shown this once. It was encrypted to a key pair made in
 * this tab for the run; closing the dialog (or reloading the page) loses it for good, as the CLI's printout
 * would be lost. An admin can always make another key on the Deployments page.
 */
export function KeyRevealDialog() {
  const shown = useKeyRevealStore((state) => state.shown);
  const error = useKeyRevealStore((state) => state.error);
  const dismiss = useKeyRevealStore((state) => state.dismiss);
  const closeButton = useRef<HTMLButtonElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const open = shown.length > 0 || error !== null;
  if (!open) return null;
  const names = shown.map((key) => `"${key.name}"`).join(', ');
  const copy = (apiKey: string) =>
    navigator.clipboard?.writeText(apiKey).then(
      () => setCopied(apiKey),
      () => setCopied(null),
    );
  return (
    // No onClose: the key is shown this once, so neither Escape nor a stray click dismisses it.
    <Dialog labelledBy="key-reveal-title" initialFocus={closeButton}>
      <header className="pw-dialog__head">
        <h2 id="key-reveal-title">{shown.length > 0 ? `API key for ${names}` : 'API key'}</h2>
      </header>
      {error && (
        <p className="pw-callout pw-callout--error" role="alert">
          The new deployment’s API key could not be read: {error}. An admin can make a new key on the{' '}
          <a href={routeHref({ page: 'deployments' })}>Deployments</a> page.
        </p>
      )}
      {shown.map((key) => (
        <div key={`${key.runId}:${key.nodeId}`} className="pw-key-reveal">
          <p>
            Your run created the deployment <strong>{key.name}</strong>. Its API key is shown <strong>only now</strong>:
            copy it before you close this (it is stored only as a hash).
          </p>
          <code className="pw-key-reveal__key" data-testid="revealed-api-key">
            {key.apiKey}
          </code>
          <p className="pw-muted">
            <code>POST /api/predict/{key.name}</code> with <code>Authorization: Bearer &lt;key&gt;</code>.{' '}
            <button type="button" className="pw-button pw-button--small" onClick={() => copy(key.apiKey)}>
              {copied === key.apiKey ? 'Copied' : 'Copy'}
            </button>
          </p>
        </div>
      ))}
      <footer className="pw-dialog__foot">
        <button ref={closeButton} type="button" className="pw-button pw-button--primary" onClick={dismiss}>
          I have kept it
        </button>
      </footer>
    </Dialog>
  );
}
