import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAccessControlDoc } from './access-control-doc';
import { DEFAULT_GRANTS, effectivePermissions, PERMISSIONS, ROLE_CEILINGS, ROLES } from './permissions';

describe('the permission catalogue', () => {
  it('is what docs/access-control.md shows (run `npm run docs:access` after changing it)', () => {
    expect(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'access-control.md'), 'utf8')).toBe(renderAccessControlDoc());
  });

  it('keeps every default grant within its role ceiling', () => {
    for (const role of ROLES) {
      expect(DEFAULT_GRANTS[role].filter((p) => !ROLE_CEILINGS[role].includes(p))).toEqual([]);
    }
  });

  it('never lets partner-side roles hold tenant-wide administration', () => {
    for (const role of ['Partner', 'Agent'] as const) {
      expect(ROLE_CEILINGS[role].filter((p) => /^(members|roles|audit|tenant):/.test(p))).toEqual([]);
    }
  });

  it('cuts grants to the ceiling and keeps people administration away from machines', () => {
    expect(effectivePermissions('Partner', PERMISSIONS, false)).toEqual(ROLE_CEILINGS.Partner);
    const machineAdmin = effectivePermissions('Admin', PERMISSIONS, true);
    expect(machineAdmin).not.toContain('members:manage');
    expect(machineAdmin).not.toContain('roles:manage');
    expect(machineAdmin).toContain('members:read');
  });
});
