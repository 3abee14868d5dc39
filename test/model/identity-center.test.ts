import { IDC_LOGICAL_IDS, parseIdentityCenterAddress, principalKey } from '../../src/core/naming';
import { buildModel } from '../../src/model/build-model';
import { applyTargets, assignmentAddress, buildIdentityCenterState, diffIdentityCenter, heldBack, identityCenterChanged, IdentityCenterDesiredState } from '../../src/model/identity-center';
import { validateFiles } from '../helpers/repo';
import { IDC, idcOrg } from '../helpers/identity-center';

const state = (extra = {}, drop: string[] = []): IdentityCenterDesiredState => {
  const files = idcOrg(extra);
  for (const f of drop) delete files[f];
  const { documents, diagnostics } = validateFiles(files);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.message).join('; '));
  return buildIdentityCenterState(documents)!;
};

describe('the identity-center desired state', () => {
  test('one permission set per file, with its policies, and one assignment per principal and account', () => {
    const s = state();
    expect(s).toMatchObject({ instanceArn: IDC.instanceArn, identityStoreId: IDC.identityStoreId, account: IDC.account, region: 'eu-central-1' });
    const dev = s.permissionSets.find((p) => p.permissionSet === 'Dev')!;
    expect(dev).toMatchObject({ name: 'Dev', sessionDuration: 'PT8H', customerManagedPolicies: ['S3Read', 'LogsRead'], description: 'Developers' });
    expect(dev.awsManagedPolicyArns).toEqual([{ name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }]);
    expect(JSON.parse(dev.inlinePolicy!).Statement[0].Action).toBe('ssm:StartSession');
    expect(s.assignments.map((a) => `${a.permissionSet} ${a.account} ${principalKey(a.principal)}`)).toEqual([
      'Dev 111111111111 group_Developers',
      'Dev 111111111111 userid_0123456789-abcdef01-2345-6789-abcd-ef0123456789',
      'Dev 222222222222 group_Developers',
      'Dev 222222222222 userid_0123456789-abcdef01-2345-6789-abcd-ef0123456789',
      'Finance 333333333333 user_jane_40example_2ecom',
      'Ops 222222222222 group_Operators',
      'Ops 333333333333 group_Operators',
    ]);
  });

  test('roles mode has no identity-center state, and account states keep their roles', () => {
    const { documents } = validateFiles({ ...idcOrg(), 'cdktf.json': { context: { prism: { region: 'eu-west-1' } } } });
    expect(buildIdentityCenterState(documents)).toBeUndefined();
    expect(buildModel(documents).accounts.get('111111111111')!.roles.map((r) => r.roleName)).toEqual(['Prism-Dev']);
  });

  test('in identity-center mode the account states hold policies only', () => {
    const { documents } = validateFiles(idcOrg());
    const model = buildModel(documents);
    expect(model.identityCenter).toBeDefined();
    for (const a of model.accounts.values()) expect(a.roles).toEqual([]);
    expect(model.accounts.get('111111111111')!.policies.map((p) => `${p.name} ${p.attachedTo.join(',')}`)).toEqual(['LogsRead Dev', 'S3Read Dev']);
  });

  test('addresses come from names and account IDs, and decode back', () => {
    const p = { type: 'GROUP' as const, name: 'Data & ML' };
    const address = assignmentAddress({ permissionSet: 'Dev.Ops', account: '111111111111', principal: p });
    expect(address).toBe('aws_ssoadmin_account_assignment.ps_Dev_2eOps["111111111111__group_Data_20_26_20ML"]');
    expect(IDC_LOGICAL_IDS.assignmentKey('111111111111', p)).toBe('111111111111__group_Data_20_26_20ML');
    expect(parseIdentityCenterAddress(address)).toEqual({ kind: 'assignment', permissionSet: 'Dev.Ops', account: '111111111111' });
    expect(parseIdentityCenterAddress('aws_ssoadmin_customer_managed_policy_attachment.ps_Dev__cmp_S3_2eRead')).toEqual({ kind: 'cmp-attachment', permissionSet: 'Dev', policy: 'S3.Read' });
    expect(parseIdentityCenterAddress('aws_ssoadmin_permission_set.ps_Dev')).toEqual({ kind: 'permission-set', permissionSet: 'Dev' });
    expect(parseIdentityCenterAddress('aws_iam_policy.cmp_S3Read')).toBeUndefined();
  });
});

describe('what an identity-center change does', () => {
  test('a CMP added to a permission set reprovisions every account it is assigned to', () => {
    const base = state();
    const head = state({ 'permission-sets/Ops.yaml': 'customerManagedPolicies:\n  - LogsRead\n  - Billing\n' });
    const c = diffIdentityCenter(base, head);
    expect(c.permissionSets).toEqual([{ permissionSet: 'Ops', kind: 'update', cmpAdded: ['Billing'], cmpRemoved: [], otherChanges: false }]);
    expect([...c.reprovisioned]).toEqual([['Ops', ['222222222222', '333333333333']]]);
    expect(identityCenterChanged(c)).toBe(true);
  });

  test('a new account provisions only that account; an unchanged state changes nothing', () => {
    const base = state();
    const head = state({ 'assignments/ops.yaml': 'permissionSet: Ops\naccounts:\n  - "222222222222"\n  - "333333333333"\n  - "444444444444"\nprincipals:\n  - group: Operators\n' });
    const c = diffIdentityCenter(base, head);
    expect(c.permissionSets).toEqual([]);
    expect(c.assignmentsAdded.map((a) => `${a.permissionSet} ${a.account}`)).toEqual(['Ops 444444444444']);
    expect([...c.reprovisioned]).toEqual([['Ops', ['444444444444']]]);
    expect(identityCenterChanged(diffIdentityCenter(base, base))).toBe(false);
  });
});

describe('ordering: what waits for an account whose policy stack failed', () => {
  const base = state();
  const grown = state({
    'permission-sets/Ops.yaml': 'customerManagedPolicies:\n  - LogsRead\n  - Billing\n',
    'assignments/ops.yaml': 'permissionSet: Ops\naccounts:\n  - "222222222222"\n  - "333333333333"\n  - "444444444444"\nprincipals:\n  - group: Operators\n',
  });

  test('nothing is held back when every account is ready: the whole stack is applied', () => {
    const held = heldBack(base, grown, new Set());
    expect(applyTargets(base, grown, held)).toBeUndefined();
  });

  test('a new assignment in a blocked account waits; its permission set goes ahead elsewhere', () => {
    const held = heldBack(base, grown, new Set(['444444444444']));
    expect(held.permissionSets.size).toBe(0);
    expect(held.assignments.map(assignmentAddress)).toEqual(['aws_ssoadmin_account_assignment.ps_Ops["444444444444__group_Operators"]']);
    const targets = applyTargets(base, grown, held)!;
    expect(targets).toContain('aws_ssoadmin_customer_managed_policy_attachment.ps_Ops__cmp_Billing');
    expect(targets).toContain('aws_ssoadmin_account_assignment.ps_Ops["333333333333__group_Operators"]');
    expect(targets).not.toContain('aws_ssoadmin_account_assignment.ps_Ops["444444444444__group_Operators"]');
  });

  test('a permission set already provisioned to a blocked account waits entirely; the others go ahead', () => {
    const held = heldBack(base, grown, new Set(['333333333333']));
    // Ops and Finance are assigned to 333333333333: a change to either would reprovision it
    expect([...held.permissionSets]).toEqual([
      ['Finance', ['333333333333']],
      ['Ops', ['333333333333']],
    ]);
    const targets = applyTargets(base, grown, held)!;
    expect(targets.some((t) => t.includes('ps_Ops'))).toBe(false);
    expect(targets.some((t) => t.includes('ps_Finance'))).toBe(false);
    expect(targets).toContain('aws_ssoadmin_permission_set.ps_Dev');
  });

  test('when everything waits, nothing is applied (an empty target list, never a full apply)', () => {
    const held = heldBack(base, base, new Set(['111111111111', '222222222222', '333333333333']));
    expect(applyTargets(base, base, held)).toEqual([]);
  });

  test('a removed permission set is targeted by its old addresses, so its removal is applied', () => {
    const head = state({}, ['permission-sets/Finance.yaml', 'assignments/finance.yaml']);
    const held = heldBack(base, head, new Set(['111111111111']));
    expect(applyTargets(base, head, held)).toContain('aws_ssoadmin_permission_set.ps_Finance');
  });
});
