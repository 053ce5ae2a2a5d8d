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
import { relativeTime } from '../canvas/format';
import type { Role } from '../store/session-store';
import { EmailField, PeopleLayout, RoleSelect } from './PeopleLayout';
import { useServerActions } from '../use-server-actions';

/** Who works in one workspace, with which role: add an existing user by email, change a role, remove one. */
export function MembersPage({ workspaceId }: { workspaceId: string }) {
  const [workspace, setWorkspace] = useState<WorkspaceSummary | null>(null);
  const [members, setMembers] = useState<MemberSummary[] | null>(null);
  // The page's changes fetch it again afterwards: `reload` is below, where the error line it writes exists.
  const { error, setError, act } = useServerActions(() => reload());
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
        <EmailField value={email} onChange={setEmail} />
        <label className="pw-field">
          <span>Role</span>
          <RoleSelect value={role} onChange={setRole} />
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
                  <RoleSelect
                    compact
                    label={`Role of ${member.email}`}
                    value={member.role}
                    onChange={(role) => void act(() => changeMemberRole(workspaceId, member.userId, role))}
                  />
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
