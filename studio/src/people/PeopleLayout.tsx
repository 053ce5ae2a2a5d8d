import type { ReactNode } from 'react';
import { ROLES } from '../permissions/permissions';
import type { Role } from '../store/session-store';
import { AppHeader, SectionNav } from '../pages/AppHeader';
import { routeHref } from '../routing';

const TABS = [
  { page: 'users', label: 'Users' },
  { page: 'workspaces', label: 'Workspaces' },
] as const;

/** The frame of the admin's people pages: the header, then Users and Workspaces as tabs. */
export function PeopleLayout({
  tab,
  title,
  intro,
  children,
}: {
  tab: (typeof TABS)[number]['page'];
  title: string;
  intro: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="pw-app">
      <AppHeader>
        <SectionNav current="users" />
      </AppHeader>
      <main className="pw-page pw-page--wide">
        <nav className="pw-tabs" aria-label="People">
          {TABS.map((item) => (
            <a
              key={item.page}
              href={routeHref({ page: item.page })}
              aria-current={item.page === tab ? 'page' : undefined}
            >
              {item.label}
            </a>
          ))}
        </nav>
        <h1>{title}</h1>
        <p className="pw-muted">{intro}</p>
        {children}
      </main>
    </div>
  );
}

/** A generated password, shown this once, for the admin to pass on. */
export function OneTimePassword({ email, password }: { email: string; password: string }) {
  return (
    <p className="pw-callout pw-callout--warning" role="status">
      One-time password for <strong>{email}</strong> (shown only now; they choose their own at the first login):{' '}
      <code data-testid="one-time-password">{password}</code>
    </p>
  );
}

/** A role picker: a form's (inside its labelled field), or a role changed in place (`compact`, named by `label`). */
export function RoleSelect({
  value,
  onChange,
  label,
  compact = false,
}: {
  value: Role;
  onChange: (role: Role) => void;
  label?: string;
  compact?: boolean;
}) {
  return (
    <select
      className={compact ? 'pw-input pw-input--compact' : 'pw-input'}
      aria-label={label}
      value={value}
      onChange={(event) => onChange(event.target.value as Role)}
    >
      {ROLES.map((option) => (
        <option key={option} value={option}>
          {option}
        </option>
      ))}
    </select>
  );
}

/** The email of the account a form adds. */
export function EmailField({ value, onChange }: { value: string; onChange: (email: string) => void }) {
  return (
    <label className="pw-field">
      <span>Email</span>
      <input
        className="pw-input"
        type="email"
        required
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </label>
  );
}
