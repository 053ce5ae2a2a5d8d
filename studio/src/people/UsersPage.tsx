import { MIN_PASSWORD_LENGTH, PASSWORD_RULE } from '@pipewright/nodes/descriptions';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { describeError } from '../api/http';
import {
  changeMemberRole,
  createUser,
  listUsers,
  listWorkspaces,
  resetUserPassword,
  setUserDisabled,
  type UserSummary,
  type UserWithPassword,
  type WorkspaceSummary,
} from '../api/people';
import { PermittedButton } from '../permissions/PermittedButton';
import type { Role } from '../store/session-store';
import { EmailField, OneTimePassword, PeopleLayout, RoleSelect } from './PeopleLayout';
import { useServerActions } from '../use-server-actions';

/** Accounts in the workspaces the admin administers: add one, change a role, disable, reset a password. */
export function UsersPage() {
  const [users, setUsers] = useState<UserSummary[] | null>(null);
  const [workspaces, setWorkspaces] = useState<WorkspaceSummary[]>([]);
  // The page's changes fetch it again afterwards: `reload` is below, where the error line it writes exists.
  const { error, setError, act: change } = useServerActions(() => reload());
  const [revealed, setRevealed] = useState<UserWithPassword | null>(null);

  const reload = useCallback(() => {
    listUsers()
      .then((page) => setUsers(page.items))
      .catch((failure: unknown) => setError(describeError(failure)));
    listWorkspaces()
      .then((page) => setWorkspaces(page.items))
      .catch((failure: unknown) => setError(describeError(failure)));
  }, []);
  useEffect(reload, [reload]);

  /** A change to the users; one that answers a one-time password shows it, once. */
  const act = async (action: () => Promise<UserWithPassword | UserSummary | unknown>) => {
    setRevealed(null);
    await change(async () => {
      const result = await action();
      if (result && typeof result === 'object' && 'oneTimePassword' in result) setRevealed(result as UserWithPassword);
    });
  };

  const administered = workspaces.filter((workspace) => workspace.role === 'admin');
  return (
    <PeopleLayout
      tab="users"
      title="Users"
      intro="Everyone in the workspaces you administer, with their role in each. A user in several workspaces switches between them in the header."
    >
      <NewUserForm workspaces={administered} onCreate={(user) => act(() => createUser(user))} />
      {error && (
        <p className="pw-callout pw-callout--error" role="alert">
          {error}
        </p>
      )}
      {revealed?.oneTimePassword && <OneTimePassword email={revealed.email} password={revealed.oneTimePassword} />}
      {users === null && !error && <p className="pw-muted">Loading the users…</p>}
      {users && (
        <table className="pw-metrics-table pw-people-table" aria-label="Users">
          <thead>
            <tr>
              <th>user</th>
              <th>workspaces and roles</th>
              <th>status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id} data-testid={`user-${user.email}`}>
                <td>
                  <strong>{user.email}</strong>
                  {user.instanceAdmin && <span className="pw-chip pw-people-table__tag">instance admin</span>}
                </td>
                <td>
                  <ul className="pw-people-table__memberships">
                    {user.memberships.map((membership) => (
                      <li key={membership.workspaceId}>
                        <label>
                          <span>{membership.workspaceName}</span>
                          <RoleSelect
                            compact
                            label={`Role of ${user.email} in ${membership.workspaceName}`}
                            value={membership.role}
                            onChange={(role) => void act(() => changeMemberRole(membership.workspaceId, user.id, role))}
                          />
                        </label>
                      </li>
                    ))}
                  </ul>
                </td>
                <td>
                  {user.disabled ? (
                    <span className="pw-badge pw-badge--failed">disabled</span>
                  ) : user.mustChangePassword ? (
                    <span className="pw-badge pw-badge--queued">one-time password</span>
                  ) : (
                    <span className="pw-badge pw-badge--succeeded">active</span>
                  )}
                </td>
                <td className="pw-people-table__actions">
                  <PermittedButton
                    permission="manage-users"
                    className="pw-button pw-button--small"
                    onClick={() => void act(() => setUserDisabled(user.id, !user.disabled))}
                  >
                    {user.disabled ? 'Enable' : 'Disable'}
                  </PermittedButton>
                  <PermittedButton
                    permission="manage-users"
                    className="pw-button pw-button--small"
                    onClick={() => {
                      if (window.confirm(`Give ${user.email} a new one-time password? Their sessions end.`)) {
                        void act(() => resetUserPassword(user.id));
                      }
                    }}
                  >
                    Reset password
                  </PermittedButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </PeopleLayout>
  );
}

function NewUserForm({
  workspaces,
  onCreate,
}: {
  workspaces: WorkspaceSummary[];
  onCreate(user: { email: string; role: Role; workspaceId: string; password?: string }): Promise<void>;
}) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [workspaceId, setWorkspaceId] = useState('');
  const [password, setPassword] = useState('');
  const chosenWorkspace = workspaceId || workspaces[0]?.id || '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await onCreate({ email: email.trim(), role, workspaceId: chosenWorkspace, password: password || undefined });
    setEmail('');
    setPassword('');
  };

  return (
    <form className="pw-inline-form" aria-label="Add a user" onSubmit={(event) => void submit(event)}>
      <EmailField value={email} onChange={setEmail} />
      <label className="pw-field">
        <span>Workspace</span>
        <select className="pw-input" value={chosenWorkspace} onChange={(event) => setWorkspaceId(event.target.value)}>
          {workspaces.map((workspace) => (
            <option key={workspace.id} value={workspace.id}>
              {workspace.name}
            </option>
          ))}
        </select>
      </label>
      <label className="pw-field">
        <span>Role</span>
        <RoleSelect value={role} onChange={setRole} />
      </label>
      <label className="pw-field">
        <span>Password (empty: a one-time one)</span>
        <input
          className="pw-input"
          type="password"
          autoComplete="new-password"
          minLength={MIN_PASSWORD_LENGTH}
          aria-describedby="new-user-password-rule"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </label>
      <p className="pw-field__help" id="new-user-password-rule">
        {PASSWORD_RULE}
      </p>
      <PermittedButton permission="manage-users" type="submit" className="pw-button pw-button--primary">
        Add user
      </PermittedButton>
    </form>
  );
}
