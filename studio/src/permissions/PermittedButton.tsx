import { useId, type ButtonHTMLAttributes } from 'react';
import { usePermission, type Actor, type Permission } from './permissions';

/**
 * A button for an act some roles may not do. When the signed-in user's role
 * in the current workspace may not, it is disabled and says why: the reason
 * is its accessible description and shows beside it on hover.
 */
export function PermittedButton({
  permission,
  actor,
  disabled,
  className = 'pw-button',
  ...button
}: {
  permission: Permission;
  /** Judge this role in this workspace rather than the current one's. */
  actor?: Actor;
} & ButtonHTMLAttributes<HTMLButtonElement>) {
  const verdict = usePermission(permission, actor);
  const reasonId = useId();
  if (verdict.allowed) return <button type="button" className={className} disabled={disabled} {...button} />;
  return (
    <span className="pw-permitted">
      <button
        type="button"
        className={className}
        {...button}
        disabled
        aria-describedby={reasonId}
        data-permission-denied={permission}
      />
      <span id={reasonId} className="pw-permitted__reason" role="tooltip">
        {verdict.reason}
      </span>
    </span>
  );
}
