import { formatOrganizationsLock, parseOrganizationsLock } from '../../src/artifacts/organizations-file';
import { expandAssignments, membershipChanges, OrganizationsSnapshot, sameMembership, unitsOf } from '../../src/model/organizations';
import { resolveUnits } from '../../src/pipeline/repository';
import { validateFiles } from '../helpers/repo';

const S3 = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
const files = {
  'cdktf.json': { context: { prism: { organizations: { account: '999999999999' } } } },
  'policies/S3Read.json': S3,
  'permission-sets/Dev.yaml': 'customerManagedPolicies: [S3Read]\n',
  'assignments/dev.yaml': 'permissionSet: Dev\naccounts: ["111111111111"]\norganizationalUnits:\n  - ou-ab12-workload\n  - ou-ab12-sandboxe\nexcludeAccounts: ["333333333333"]\n',
};
const snapshot: OrganizationsSnapshot = {
  resolvedAt: '2026-11-01T00:00:00.000Z',
  organizationalUnits: {
    'ou-ab12-workload': { name: 'Workloads', accounts: ['222222222222', '333333333333'] },
    'ou-ab12-sandboxe': { accounts: ['444444444444', '111111111111'] },
  },
};

describe('assignments by organizational unit', () => {
  const { documents, diagnostics } = validateFiles(files);

  test('the files validate, and name their units', () => {
    expect(diagnostics.filter((d) => d.severity !== 'note')).toEqual([]);
    expect(unitsOf(documents)).toEqual(['ou-ab12-sandboxe', 'ou-ab12-workload']);
  });

  test('an assignment gets its IDs and its units\' accounts, once each, minus exclusions', () => {
    const { documents: expanded, diagnostics: problems } = expandAssignments(documents, snapshot);
    expect(problems).toEqual([]);
    expect(expanded.assignments[0].accounts).toEqual(['111111111111', '222222222222', '444444444444']);
  });

  test('an OU missing from the snapshot is an error at the line that names it; its accounts are not guessed', () => {
    const partial = { ...snapshot, organizationalUnits: { 'ou-ab12-workload': snapshot.organizationalUnits['ou-ab12-workload'] } };
    const { documents: expanded, diagnostics: problems } = expandAssignments(documents, partial);
    expect(problems.map((d) => `${d.code} ${d.location!.file}:${d.location!.line}:${d.location!.column}`)).toEqual(['organizations/unresolved-unit assignments/dev.yaml:5:5']);
    expect(expanded.assignments[0].accounts).toEqual(['111111111111', '222222222222']);
  });

  test('the lock round-trips, sorted; a malformed lock is a diagnostic on the file', () => {
    const text = formatOrganizationsLock(snapshot);
    expect(parseOrganizationsLock(text).snapshot!.organizationalUnits['ou-ab12-sandboxe'].accounts).toEqual(['111111111111', '444444444444']);
    expect(text.indexOf('ou-ab12-sandboxe')).toBeLessThan(text.indexOf('ou-ab12-workload'));
    const bad = parseOrganizationsLock('{"version":1,"resolvedAt":"x","organizationalUnits":{"ou-ab12-workload":{"accounts":["12"]}}}');
    expect(bad.diagnostics.map((d) => `${d.code} ${d.location!.file}:${d.location!.line}`)).toEqual(['organizations/lock organizations.lock.json:1']);
    expect(parseOrganizationsLock('not json').diagnostics[0].code).toBe('organizations/lock');
  });

  test('resolveUnits reads the lock text: a repository without a lock cannot resolve its units', () => {
    expect(resolveUnits(documents, diagnostics, undefined).diagnostics.filter((d) => d.code === 'organizations/unresolved-unit')).toHaveLength(2);
    const ok = resolveUnits(documents, diagnostics, formatOrganizationsLock(snapshot));
    expect(ok.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(ok.organizations).toBeDefined();
  });

  test('membership changes: joined and left per unit; a unit only one side resolved is not a move', () => {
    const after: OrganizationsSnapshot = {
      resolvedAt: 'later',
      organizationalUnits: {
        'ou-ab12-workload': { name: 'Workloads', accounts: ['222222222222', '555555555555'] },
        'ou-ab12-sandboxe': snapshot.organizationalUnits['ou-ab12-sandboxe'],
        'ou-ab12-newunitx': { accounts: ['666666666666'] },
      },
    };
    expect(membershipChanges(snapshot, after, ['ou-ab12-workload', 'ou-ab12-sandboxe', 'ou-ab12-newunitx'])).toEqual([{ unit: 'ou-ab12-workload', name: 'Workloads', joined: ['555555555555'], left: ['333333333333'] }]);
    expect(sameMembership(snapshot, { ...snapshot, resolvedAt: 'later' })).toBe(true);
    expect(sameMembership(snapshot, after)).toBe(false);
  });
});
