import type { ReactNode } from 'react';
import { routeHref } from '../routing';

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

const SECTIONS = [
  { page: 'pipelines', label: 'Pipelines' },
  { page: 'templates', label: 'Templates' },
  { page: 'datasets', label: 'Datasets' },
  { page: 'deployments', label: 'Deployments' },
] as const;

/** The links between the top-level pages, the one shown marked as current. */
export function SectionNav({ current }: { current: (typeof SECTIONS)[number]['page'] }) {
  return (
    <nav className="pw-header__nav" aria-label="Sections">
      {SECTIONS.map((section) => (
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

/** The bar across every page: the product, then whatever the page puts in it. */
export function AppHeader({ children }: { children?: ReactNode }) {
  return (
    <header className="pw-header">
      <ProductMark />
      {children}
    </header>
  );
}
