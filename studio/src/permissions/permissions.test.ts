import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, type Permission } from './permissions';

const permissions = Object.keys(PERMISSIONS) as Permission[];

describe('what each role may do', () => {
  it('keeps a viewer from running, and says why, where, and what it takes', () => {
    const verdict = can('run', { role: 'viewer', workspaceName: 'Forecasting' });
    expect(verdict).toEqual({
      allowed: false,
      reason:
        'Viewers cannot run pipelines in “Forecasting”: it takes the admin or editor role. Ask an admin of the workspace.',
    });
  });

  it('lets editors build and run but not deploy, promote, roll back or manage people', () => {
    const editor = { role: 'editor' as const };
    for (const permission of ['run', 'edit-pipeline', 'edit-schedule', 'upload-dataset'] as const) {
      expect(can(permission, editor).allowed).toBe(true);
    }
    for (const permission of ['deploy', 'promote', 'roll-back', 'manage-members', 'view-audit'] as const) {
      const verdict = can(permission, editor);
      expect(verdict.allowed).toBe(false);
      if (!verdict.allowed) expect(verdict.reason).toMatch(/^Editors cannot .*: it takes the admin role\./);
    }
  });

  it('lets a workspace admin do everything in its workspace but make workspaces', () => {
    const admin = { role: 'admin' as const };
    for (const permission of permissions.filter((p) => p !== 'create-workspace')) {
      expect(can(permission, admin).allowed, permission).toBe(true);
    }
    expect(can('create-workspace', admin)).toEqual({
      allowed: false,
      reason: 'Only an instance admin can create workspaces.',
    });
  });

  it('lets an instance admin do everything, whatever its role in the current workspace', () => {
    for (const permission of permissions) {
      expect(can(permission, { role: 'viewer', instanceAdmin: true }).allowed, permission).toBe(true);
    }
  });

  it('allows a viewer nothing that changes anything', () => {
    for (const permission of permissions) expect(can(permission, { role: 'viewer' }).allowed, permission).toBe(false);
  });
});
