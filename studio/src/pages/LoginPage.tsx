import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, describeError, LOGGED_OUT_EVENT, requestJson } from '../api/http';
import { useSessionStore, type SessionUser, type WorkspaceAccess } from '../store/session-store';
import { ProductMark } from './AppHeader';

import { MIN_PASSWORD_LENGTH, PASSWORD_RULE } from '@pipewright/nodes/descriptions';

export type { SessionUser } from '../store/session-store';

/** After a login, the password just typed: the change-password form needs it as the current one. */
type Session =
  { state: 'checking' } | { state: 'anonymous' } | { state: 'signed-in'; user: SessionUser; password?: string };

/** Who is logged in (the session cookie, checked with GET /api/auth/me), kept current across 401s. */
export function useSession(): {
  session: Session;
  signedIn(user: SessionUser, password?: string, workspaces?: WorkspaceAccess[]): void;
} {
  // Never logged in here (or logged out): the login page at once, without asking the server.
  const [session, setSession] = useState<Session>(() =>
    signedInCookie() ? { state: 'checking' } : { state: 'anonymous' },
  );
  useEffect(() => {
    let live = true;
    if (signedInCookie()) {
      requestJson<{ user: SessionUser; workspaces: WorkspaceAccess[] }>('GET', '/auth/me')
        .then(({ user, workspaces }) => {
          if (!live) return;
          useSessionStore.getState().setSession(user, workspaces);
          setSession({ state: 'signed-in', user });
        })
        .catch(() => live && setSession({ state: 'anonymous' }));
    }
    const onLoggedOut = () => {
      forgetSignedInCookie();
      useSessionStore.getState().setSession(null);
      setSession({ state: 'anonymous' });
    };
    window.addEventListener(LOGGED_OUT_EVENT, onLoggedOut);
    return () => {
      live = false;
      window.removeEventListener(LOGGED_OUT_EVENT, onLoggedOut);
    };
  }, []);
  const signedIn = useCallback((user: SessionUser, password?: string, workspaces?: WorkspaceAccess[]) => {
    useSessionStore.getState().setSession(user, workspaces);
    setSession({ state: 'signed-in', user, password });
  }, []);
  return { session, signedIn };
}

/** The server's readable companion of the session cookie (no secret in it): whether a session may exist. */
const SIGNED_IN_COOKIE = 'pipewright_signed_in';

function signedInCookie(): boolean {
  return document.cookie.split(';').some((pair) => pair.trim().startsWith(`${SIGNED_IN_COOKIE}=`));
}

/** After a 401 the session is over: the next visit goes straight to the login page. */
function forgetSignedInCookie(): void {
  document.cookie = `${SIGNED_IN_COOKIE}=; Max-Age=0; path=/; SameSite=Lax`;
}

/** Email and password; the server answers with the session cookie the rest of the studio rides on. */
export function LoginPage({
  onSignedIn,
}: {
  onSignedIn(user: SessionUser, password?: string, workspaces?: WorkspaceAccess[]): void;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { user, workspaces } = await requestJson<{ user: SessionUser; workspaces: WorkspaceAccess[] }>(
        'POST',
        '/auth/login',
        { email, password },
      );
      // Kept only for the change-password form that follows a one-time password's login.
      onSignedIn(user, user.mustChangePassword ? password : undefined, workspaces);
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401 ? 'Wrong email or password.' : describeError(failure),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <AccountForm
      title="Log in"
      intro="On the first start the server prints the admin's email and a one-time password in its console."
      onSubmit={submit}
      error={error}
      submitLabel={busy ? 'Logging in…' : 'Log in'}
      busy={busy}
    >
      <label className="pw-field">
        <span>Email</span>
        <input
          className="pw-input"
          type="email"
          name="email"
          autoComplete="username"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          required
          autoFocus
        />
      </label>
      <PasswordField
        label="Password"
        name="password"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
      />
    </AccountForm>
  );
}

/**
 * Right after logging in with the generated one-time password: the server
 * refuses everything else until the account has its own password.
 */
export function ChangePasswordPage({
  user,
  currentPassword: knownPassword,
  onChanged,
}: {
  user: SessionUser;
  /** The password just used to log in, when the form follows a login (not a reload). */
  currentPassword?: string;
  onChanged(user: SessionUser): void;
}) {
  const [currentPassword, setCurrentPassword] = useState(knownPassword ?? '');
  const [newPassword, setNewPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (newPassword !== repeated) {
      setError('The two new passwords differ.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await requestJson('POST', '/auth/password', { currentPassword, newPassword });
      onChanged({ ...user, mustChangePassword: false });
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AccountForm
      title="Choose your password"
      intro={`${user.email} logged in with the one-time password the server printed. Choose your own password to continue.`}
      onSubmit={submit}
      error={error}
      submitLabel={busy ? 'Saving…' : 'Save and continue'}
      busy={busy}
      signedIn
    >
      {knownPassword === undefined && (
        <PasswordField
          label="One-time password"
          name="current-password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={setCurrentPassword}
          autoFocus
        />
      )}
      <PasswordField
        label="New password"
        name="new-password"
        autoComplete="new-password"
        minLength={MIN_PASSWORD_LENGTH}
        value={newPassword}
        onChange={setNewPassword}
        autoFocus={knownPassword !== undefined}
      />
      <PasswordField
        label="Repeat the new password"
        name="repeat-password"
        autoComplete="new-password"
        minLength={MIN_PASSWORD_LENGTH}
        value={repeated}
        onChange={setRepeated}
      />
      <p className="pw-field__help">{PASSWORD_RULE}</p>
    </AccountForm>
  );
}

/** The page of an account form (log in, choose a password): the product header, a title, a line of help, the form. */
function AccountForm({
  title,
  intro,
  onSubmit,
  error,
  submitLabel,
  busy,
  signedIn = false,
  children,
}: {
  title: string;
  intro: string;
  onSubmit(event: FormEvent): void;
  error: string | null;
  submitLabel: string;
  busy: boolean;
  /** Someone is logged in: the header offers to log out. */
  signedIn?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="pw-app">
      <header className="pw-header">
        <ProductMark />
        {signedIn && <LogOutButton />}
      </header>
      <main className="pw-page" style={{ maxWidth: 380 }}>
        <h1>{title}</h1>
        <p className="pw-muted">{intro}</p>
        <form className="pw-form" onSubmit={onSubmit} aria-label={title}>
          {children}
          {error && (
            <p className="pw-callout pw-callout--error" role="alert">
              {error}
            </p>
          )}
          <button className="pw-button pw-button--primary" type="submit" disabled={busy}>
            {submitLabel}
          </button>
        </form>
      </main>
    </div>
  );
}

function PasswordField({
  label,
  onChange,
  ...input
}: {
  label: string;
  name: string;
  autoComplete: string;
  value: string;
  onChange(value: string): void;
  minLength?: number;
  autoFocus?: boolean;
}) {
  return (
    <label className="pw-field">
      <span>{label}</span>
      <input
        className="pw-input"
        type="password"
        required
        {...input}
        onChange={(event) => onChange(event.target.value)}
      />
    </label>
  );
}

/** Ends the session on the server; the app shell (useSession) then shows the login page. */
export function LogOutButton() {
  const logOut = async () => {
    await requestJson('POST', '/auth/logout').catch(() => undefined);
    window.dispatchEvent(new Event(LOGGED_OUT_EVENT));
  };
  return (
    <button type="button" className="pw-button pw-button--small" style={{ marginLeft: 'auto' }} onClick={logOut}>
      Log out
    </button>
  );
}
