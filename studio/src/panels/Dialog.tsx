import { useEffect, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';

export interface DialogProps {
  /** The id of the heading that names the dialog; or `label`, when it has none to point at. */
  labelledBy?: string;
  label?: string;
  /** Classes beside `pw-dialog` (its width, its own layout) and beside `pw-dialog-backdrop`. */
  className?: string;
  backdropClassName?: string;
  /**
   * Escape and a click outside the dialog call it. Without it only the dialog's own buttons close it (a key
   * shown once must not go with a stray click).
   */
  onClose?: () => void;
  /** Focused when the dialog opens; otherwise its first field or button. */
  initialFocus?: RefObject<HTMLElement | null>;
  /** Rendered into the page's body: for a dialog opened from a part of the page that styles what it holds. */
  portal?: boolean;
  testId?: string;
  children: ReactNode;
}

const FOCUSABLE =
  'input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), a[href]';

/**
 * A modal dialog, as every dialog of the studio opens: over a backdrop, named for screen readers, focus moved
 * into it on opening, Tab and Shift+Tab kept inside it, Escape and a click outside closing it (when it may
 * close so), and focus given back to what had it before it opened.
 */
export function Dialog({
  labelledBy,
  label,
  className,
  backdropClassName,
  onClose,
  initialFocus,
  portal = false,
  testId,
  children,
}: DialogProps) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const opener = document.activeElement;
    const first = initialFocus?.current ?? box.current?.querySelector<HTMLElement>(FOCUSABLE) ?? box.current;
    first?.focus();
    return () => {
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
    // Once, on opening: what has focus then is what gets it back.
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape' && onClose) {
      event.stopPropagation();
      event.preventDefault();
      onClose();
      return;
    }
    if (event.key === 'Tab') keepFocusInside(event);
  };

  const dialog = (
    <div className={['pw-dialog-backdrop', backdropClassName].filter(Boolean).join(' ')} onClick={onClose}>
      <div
        ref={box}
        className={['pw-dialog', className].filter(Boolean).join(' ')}
        role="dialog"
        aria-modal="true"
        aria-labelledby={labelledBy}
        aria-label={labelledBy ? undefined : label}
        data-testid={testId}
        // Focusable itself, so a click on its text keeps the keyboard (and Escape) in it.
        tabIndex={-1}
        onClick={(event) => event.stopPropagation()}
        onKeyDown={onKeyDown}
      >
        {children}
      </div>
    </div>
  );
  return portal ? createPortal(dialog, document.body) : dialog;
}

/** Keeps Tab and Shift+Tab inside the dialog, as a modal dialog should. */
function keepFocusInside(event: KeyboardEvent<HTMLDivElement>): void {
  const focusable = [...event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (!first || !last) {
    event.preventDefault();
    return;
  }
  if (event.shiftKey && (document.activeElement === first || document.activeElement === event.currentTarget)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}
