import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { refreshSession, switchWorkspace } from '../actions/switch-workspace';
import { describeError } from '../api/http';
import { createWorkspace, listWorkspaces, renameWorkspace, type WorkspaceSummary } from '../api/people';
import { PermittedButton } from '../permissions/PermittedButton';
import { routeHref } from '../routing';
import { useSessionStore } from '../store/session-store';
import { PeopleLayout } from './PeopleLayout';
import { useServerActions } from '../use-server-actions';

/** The workspaces the user works in: make one (instance admins), rename one, open its members. */
export function WorkspacesPage() {
  const [workspaces, setWorkspaces] = useState<WorkspaceSummary[] | null>(null);
  // The page's changes fetch it again afterwards: `reload` is below, where the error line it writes exists.
  const { error, setError, act } = useServerActions(() => reload());
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<{ id: string; draft: string } | null>(null);
  const currentId = useSessionStore((state) => state.user?.workspaceId);

  const reload = useCallback(() => {
    listWorkspaces()
      .then((page) => setWorkspaces(page.items))
      .catch((failure: unknown) => setError(describeError(failure)));
  }, []);
  useEffect(reload, [reload]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    // The new workspace joins the header's menu at once.
    if (await act(() => createWorkspace(name.trim()).then(refreshSession))) setName('');
  };

  return (
    <PeopleLayout
      tab="workspaces"
      title="Workspaces"
      intro="Each workspace keeps its pipelines, runs, datasets and deployments apart from the others'. Its admins manage its members; only an instance admin makes workspaces."
    >
      <form className="pw-inline-form" aria-label="New workspace" onSubmit={(event) => void create(event)}>
        <label className="pw-field">
          <span>Name</span>
          <input className="pw-input" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <PermittedButton permission="create-workspace" type="submit" className="pw-button pw-button--primary">
          Create workspace
        </PermittedButton>
      </form>
      {error && (
        <p className="pw-callout pw-callout--error" role="alert">
          {error}
        </p>
      )}
      {workspaces && (
        <table className="pw-metrics-table pw-people-table" aria-label="Workspaces">
          <thead>
            <tr>
              <th>workspace</th>
              <th>your role</th>
              <th>members</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {workspaces.map((workspace) => {
              const actor = { role: workspace.role, workspaceName: workspace.name };
              return (
                <tr key={workspace.id} data-testid={`workspace-${workspace.name}`}>
                  <td>
                    {renaming?.id === workspace.id ? (
                      <form
                        className="pw-inline-form"
                        aria-label={`Rename ${workspace.name}`}
                        onSubmit={(event) => {
                          event.preventDefault();
                          void act(() =>
                            renameWorkspace(workspace.id, renaming.draft.trim()).then(refreshSession),
                          ).then((done) => done && setRenaming(null));
                        }}
                      >
                        <input
                          className="pw-input pw-input--compact"
                          aria-label="New name"
                          autoFocus
                          value={renaming.draft}
                          onChange={(event) => setRenaming({ id: workspace.id, draft: event.target.value })}
                        />
                        <button type="submit" className="pw-button pw-button--small">
                          Save
                        </button>
                        <button type="button" className="pw-button pw-button--small" onClick={() => setRenaming(null)}>
                          Cancel
                        </button>
                      </form>
                    ) : (
                      <strong>{workspace.name}</strong>
                    )}
                    {workspace.id === currentId && <span className="pw-chip pw-people-table__tag">current</span>}
                  </td>
                  <td>{workspace.role}</td>
                  <td>{workspace.members}</td>
                  <td className="pw-people-table__actions">
                    {workspace.role === 'admin' ? (
                      <a
                        className="pw-button pw-button--small"
                        href={routeHref({ page: 'members', workspaceId: workspace.id })}
                      >
                        Members
                      </a>
                    ) : (
                      <PermittedButton permission="manage-members" actor={actor} className="pw-button pw-button--small">
                        Members
                      </PermittedButton>
                    )}
                    <PermittedButton
                      permission="rename-workspace"
                      actor={actor}
                      className="pw-button pw-button--small"
                      onClick={() => setRenaming({ id: workspace.id, draft: workspace.name })}
                    >
                      Rename
                    </PermittedButton>
                    {workspace.id !== currentId && (
                      <button
                        type="button"
                        className="pw-button pw-button--small"
                        onClick={() => void act(() => switchWorkspace(workspace.id))}
                      >
                        Switch to it
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </PeopleLayout>
  );
}
