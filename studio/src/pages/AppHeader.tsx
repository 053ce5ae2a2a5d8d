import { useState, type ReactNode } from 'react';
import { switchWorkspace } from '../actions/switch-workspace';
import { describeError } from '../api/http';
import { can, type Permission } from '../permissions/permissions';
import { routeHref } from '../routing';
import { useSessionStore } from '../store/session-store';
import { LogOutButton } from './LoginPage';

export function ProductMark() {
  return (
    <a className="pw-brand" href={routeHref({ page: 'pipelines' })} aria-label="Pipewright: all pipelines">
      <svg viewBox="0 0 32 32" width="26" height="26" aria-hidden>
        <rect width="32" height="32" rx="7" fill="#2563eb" />
        <circle cx="9" cy="11" r="3.2" fill="#fff" />
        <circle cx="23" cy="11" r="3.2" fill="#bfdbfe" />
        <circle cx="16" cy="22" r="3.2" fill="#fff" />
        <path d="M11.5 12.5 14.5 20M20.5 12.5 17.5 20" stroke="#fff" strokeWidth="2" strokeLinecap="round" />
      </svg>
      <span>Pipewright</span>
    </a>
  );
}

/** The top-level pages; admin pages are listed only to those who may use them. */
const SECTIONS: readonly { page: Section; label: string; permission?: Permission }[] = [
  { page: 'pipelines', label: 'Pipelines' },
  { page: 'templates', label: 'Templates' },
  { page: 'datasets', label: 'Datasets' },
  { page: 'deployments', label: 'Deployments' },
  { page: 'users', label: 'People', permission: 'manage-users' },
  { page: 'audit', label: 'Audit', permission: 'view-audit' },
];

type Section = 'pipelines' | 'templates' | 'datasets' | 'deployments' | 'users' | 'audit';

/** The links between the top-level pages, the one shown marked as current. */
export function SectionNav({ current }: { current?: Section }) {
  const user = useSessionStore((state) => state.user);
  const sections = SECTIONS.filter(
    (section) => !section.permission || (user !== null && can(section.permission, user).allowed),
  );
  return (
    <nav className="pw-header__nav" aria-label="Sections">
      {sections.map((section) => (
        <a
          key={section.page}
          href={routeHref({ page: section.page })}
          aria-current={section.page === current ? 'page' : undefined}
        >
          {section.label}
        </a>
      ))}
    </nav>
  );
}

/**
 * The current workspace — a menu to switch for a user in several — then the
 * account (its page changes the password) and logging out.
 */
function SessionControls() {
  const user = useSessionStore((state) => state.user);
  const workspaces = useSessionStore((state) => state.workspaces);
  const [error, setError] = useState<string | null>(null);
  if (!user) return <LogOutButton />;
  const current = workspaces.find((workspace) => workspace.id === user.workspaceId);

  const onSwitch = async (workspaceId: string) => {
    setError(null);
    try {
      await switchWorkspace(workspaceId);
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  return (
    <div className="pw-session">
      {workspaces.length > 1 ? (
        <label className="pw-session__workspace" title={error ?? 'Everything shown belongs to this workspace'}>
          <span className="pw-session__label">Workspace</span>
          <select
            className="pw-input pw-input--header"
            aria-label="Workspace"
            aria-invalid={error ? true : undefined}
            value={user.workspaceId}
            onChange={(event) => void onSwitch(event.target.value)}
          >
            {workspaces.map((workspace) => (
              <option key={workspace.id} value={workspace.id}>
                {workspace.name} ({workspace.role})
              </option>
            ))}
          </select>
        </label>
      ) : (
        current && (
          <span className="pw-chip" data-testid="current-workspace" title="Your workspace and your role in it">
            {current.name} · {current.role}
          </span>
        )
      )}
      {error && (
        <span className="pw-session__error" role="alert">
          {error}
        </span>
      )}
      <a className="pw-session__account" href={routeHref({ page: 'account' })} title="Your account">
        {user.email}
      </a>
      <LogOutButton />
    </div>
  );
}

/** The bar across every page: the product, whatever the page puts in it, then the workspace and the account. */
export function AppHeader({ children }: { children?: ReactNode }) {
  return (
    <header className="pw-header">
      <ProductMark />
      {children}
      <SessionControls />
    </header>
  );
}
