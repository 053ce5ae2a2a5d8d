import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError, describeError, requestJson } from '../api/http';
import { ProductMark } from './AppHeader';

export interface SessionUser {
  id: string;
  email: string;
  role: 'admin' | 'editor' | 'viewer';
}

type Session = { state: 'checking' } | { state: 'anonymous' } | { state: 'signed-in'; user: SessionUser };

/** Fired by the API client on a 401: the session ended, so the app shows the login page again. */
export const LOGGED_OUT_EVENT = 'pipewright:logged-out';

/** Who is logged in (the session cookie, checked with GET /api/auth/me), kept current across 401s. */
export function useSession(): { session: Session; signedIn(user: SessionUser): void; logOut(): Promise<void> } {
  const [session, setSession] = useState<Session>({ state: 'checking' });
  useEffect(() => {
    let live = true;
    requestJson<{ user: SessionUser }>('GET', '/auth/me')
      .then(({ user }) => live && setSession({ state: 'signed-in', user }))
      .catch(() => live && setSession({ state: 'anonymous' }));
    const onLoggedOut = () => setSession({ state: 'anonymous' });
    window.addEventListener(LOGGED_OUT_EVENT, onLoggedOut);
    return () => {
      live = false;
      window.removeEventListener(LOGGED_OUT_EVENT, onLoggedOut);
    };
  }, []);
  const signedIn = useCallback((user: SessionUser) => setSession({ state: 'signed-in', user }), []);
  const logOut = useCallback(async () => {
    await requestJson('POST', '/auth/logout').catch(() => undefined);
    setSession({ state: 'anonymous' });
  }, []);
  return { session, signedIn, logOut };
}

/** Email and password; the server answers with the session cookie the rest of the studio rides on. */
export function LoginPage({ onSignedIn }: { onSignedIn(user: SessionUser): void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { user } = await requestJson<{ user: SessionUser }>('POST', '/auth/login', { email, password });
      onSignedIn(user);
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401 ? 'Wrong email or password.' : describeError(failure),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="pw-app">
      <header className="pw-header">
        <ProductMark />
      </header>
      <main className="pw-page" style={{ maxWidth: 380 }}>
        <h1>Log in</h1>
        <p className="pw-muted">
          On the first start the server prints the admin&apos;s email and a one-time password in its console.
        </p>
        <form className="pw-form" onSubmit={submit} aria-label="Log in">
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
          <label className="pw-field">
            <span>Password</span>
            <input
              className="pw-input"
              type="password"
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              required
            />
          </label>
          {error && (
            <p className="pw-callout pw-callout--error" role="alert">
              {error}
            </p>
          )}
          <button className="pw-button pw-button--primary" type="submit" disabled={busy}>
            {busy ? 'Logging in…' : 'Log in'}
          </button>
        </form>
      </main>
    </div>
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
