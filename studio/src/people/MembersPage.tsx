import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { describeError } from '../api/http';
import {
  addMember,
  changeMemberRole,
  listMembers,
  listWorkspaces,
  removeMember,
  type MemberSummary,
  type WorkspaceSummary,
} from '../api/people';
import { PermittedButton } from '../permissions/PermittedButton';
import { ROLES } from '../permissions/permissions';
import { relativeTime } from '../canvas/format';
import type { Role } from '../store/session-store';
import { PeopleLayout } from './PeopleLayout';

/** Who works in one workspace, with which role: add an existing user by email, change a role, remove one. */
export function MembersPage({ workspaceId }: { workspaceId: string }) {
  const [workspace, setWorkspace] = useState<WorkspaceSummary | null>(null);
  const [members, setMembers] = useState<MemberSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');

  const reload = useCallback(() => {
    listWorkspaces()
      .then((page) => setWorkspace(page.items.find((item) => item.id === workspaceId) ?? null))
      .catch(() => setWorkspace(null));
    listMembers(workspaceId)
      .then((page) => setMembers(page.items))
      .catch((failure: unknown) => setError(describeError(failure)));
  }, [workspaceId]);
  useEffect(reload, [reload]);

  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      reload();
      return true;
    } catch (failure) {
      setError(describeError(failure));
      return false;
    }
  };

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (await act(() => addMember(workspaceId, email.trim(), role))) setEmail('');
  };

  const name = workspace?.name ?? 'the workspace';
  const actor = workspace ? { role: workspace.role, workspaceName: workspace.name } : undefined;
  return (
    <PeopleLayout
      tab="workspaces"
      title={`Members of ${name}`}
      intro={
        <>
          Add an existing user by email (new accounts are made on the <a href="#/users">Users</a> tab). A workspace
          keeps at least one admin.
        </>
      }
    >
      <form className="pw-inline-form" aria-label="Add a member" onSubmit={(event) => void add(event)}>
        <label className="pw-field">
          <span>Email</span>
          <input
            className="pw-input"
            type="email"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </label>
        <label className="pw-field">
          <span>Role</span>
          <select className="pw-input" value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {ROLES.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </label>
        <PermittedButton
          permission="manage-members"
          actor={actor}
          type="submit"
          className="pw-button pw-button--primary"
        >
          Add member
        </PermittedButton>
      </form>
      {error && (
        <p className="pw-callout pw-callout--error" role="alert">
          {error}
        </p>
      )}
      {members && (
        <table className="pw-metrics-table pw-people-table" aria-label="Members">
          <thead>
            <tr>
              <th>member</th>
              <th>role</th>
              <th>since</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr key={member.userId} data-testid={`member-${member.email}`}>
                <td>
                  <strong>{member.email}</strong>
                  {member.instanceAdmin && <span className="pw-chip pw-people-table__tag">instance admin</span>}
                  {member.disabled && <span className="pw-badge pw-badge--failed">disabled</span>}
                </td>
                <td>
                  <select
                    className="pw-input pw-input--compact"
                    aria-label={`Role of ${member.email}`}
                    value={member.role}
                    onChange={(event) =>
                      void act(() => changeMemberRole(workspaceId, member.userId, event.target.value as Role))
                    }
                  >
                    {ROLES.map((option) => (
                      <option key={option} value={option}>
                        {option}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{relativeTime(member.since)}</td>
                <td className="pw-people-table__actions">
                  <PermittedButton
                    permission="manage-members"
                    actor={actor}
                    className="pw-button pw-button--small pw-button--danger"
                    onClick={() => {
                      if (window.confirm(`Remove ${member.email} from ${name}?`)) {
                        void act(() => removeMember(workspaceId, member.userId));
                      }
                    }}
                  >
                    Remove
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
