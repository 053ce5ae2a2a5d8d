import { useState, type FormEvent } from 'react';
import { describeError } from '../api/http';
import { changeOwnPassword } from '../api/people';
import { AppHeader, SectionNav } from '../pages/AppHeader';
import { MIN_PASSWORD_LENGTH, PASSWORD_RULE } from '@pipewright/nodes/descriptions';
import { useSessionStore } from '../store/session-store';

/** One's own account: where one works with which role, and a new password (which ends one's other sessions). */
export function AccountPage() {
  const user = useSessionStore((state) => state.user);
  const workspaces = useSessionStore((state) => state.workspaces);
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const [outcome, setOutcome] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (newPassword !== repeated) {
      setOutcome({ tone: 'error', text: 'The two new passwords differ.' });
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      await changeOwnPassword(currentPassword, newPassword);
      setCurrentPassword('');
      setNewPassword('');
      setRepeated('');
      setOutcome({
        tone: 'success',
        text: 'Password changed. Every other session of your account has ended; this one goes on.',
      });
    } catch (failure) {
      setOutcome({ tone: 'error', text: describeError(failure) });
    } finally {
      setBusy(false);
    }
  };

  if (!user) return null;
  return (
    <div className="pw-app">
      <AppHeader>
        <SectionNav />
      </AppHeader>
      <main className="pw-page" style={{ maxWidth: 560 }}>
        <h1>Your account</h1>
        <p>
          <strong>{user.email}</strong>
          {user.instanceAdmin && <span className="pw-chip pw-people-table__tag">instance admin</span>}
        </p>
        <table className="pw-metrics-table pw-people-table" aria-label="Your workspaces">
          <thead>
            <tr>
              <th>workspace</th>
              <th>your role</th>
            </tr>
          </thead>
          <tbody>
            {workspaces.map((workspace) => (
              <tr key={workspace.id}>
                <td>
                  {workspace.name}
                  {workspace.id === user.workspaceId && <span className="pw-chip pw-people-table__tag">current</span>}
                </td>
                <td>{workspace.role}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>Change your password</h2>
        <form className="pw-form" aria-label="Change your password" onSubmit={(event) => void submit(event)}>
          <label className="pw-field">
            <span>Current password</span>
            <input
              className="pw-input"
              type="password"
              autoComplete="current-password"
              required
              value={currentPassword}
              onChange={(event) => setCurrentPassword(event.target.value)}
            />
          </label>
          <label className="pw-field">
            <span>New password</span>
            <input
              className="pw-input"
              type="password"
              autoComplete="new-password"
              required
              minLength={MIN_PASSWORD_LENGTH}
              value={newPassword}
              onChange={(event) => setNewPassword(event.target.value)}
            />
          </label>
          <label className="pw-field">
            <span>Repeat the new password</span>
            <input
              className="pw-input"
              type="password"
              autoComplete="new-password"
              required
              minLength={MIN_PASSWORD_LENGTH}
              value={repeated}
              onChange={(event) => setRepeated(event.target.value)}
            />
          </label>
          <p className="pw-field__help">{PASSWORD_RULE}</p>
          {outcome && (
            <p
              className={`pw-callout ${outcome.tone === 'error' ? 'pw-callout--error' : 'pw-callout--success'}`}
              role={outcome.tone === 'error' ? 'alert' : 'status'}
            >
              {outcome.text}
            </p>
          )}
          <button className="pw-button pw-button--primary" type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Change password'}
          </button>
        </form>
      </main>
    </div>
  );
}
