/**
 * The use cases in identity-center mode, in process on real git repositories (no AWS, no Terraform):
 * the preview in Identity Center terms, organizational units that gained or lost accounts between
 * two locks, and the shard list that keeps the identity-center stack with its policy stacks.
 */
import { formatOrganizationsLock } from '../../src/artifacts/organizations-file';
import { accountsToPlan } from '../../src/pipeline/plan';
import { preview } from '../../src/pipeline/preview';
import { CollectingReporter } from '../../src/pipeline/reporter';
import { accountsToApply, apply } from '../../src/pipeline/rollouts';
import { change, git, gitRepo, remoteAndClone } from '../helpers/git';
import { LedgerStore } from '../../src/adapters/git/ledger-store';
import { Watermark } from '../../src/artifacts/ledger';
import { IDENTITY_CENTER_STACK } from '../../src/core/naming';
import { buildModel } from '../../src/model/build-model';
import { identityCenterFingerprint, stackFingerprint } from '../../src/model/fingerprint';
import { loadRepository } from '../../src/pipeline/repository';
import { IDC, idcOrg } from '../helpers/identity-center';

const doc = (action: string) => ({ Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Action: action, Resource: '*' }] });
const lock = (accounts: string[]) => formatOrganizationsLock({ resolvedAt: '2026-11-01T00:00:00.000Z', organizationalUnits: { 'ou-ab12-workload': { name: 'Workloads', accounts } } });

describe('preview in identity-center mode', () => {
  test('an edit: the policy in N accounts, the permission sets, and no reprovisioning (IdC references it by name)', async () => {
    const dir = gitRepo(idcOrg());
    change(dir, { 'policies/LogsRead.json': doc('logs:FilterLogEvents') });
    const out = await preview({ dir, base: 'main', reporter: new CollectingReporter() });
    expect(out.markdown).toContain('This will update the policy in 3 account(s). Affected permission sets: `Dev`, `Ops`; 0 account(s) will be reprovisioned');
    expect((out.json.policies as any[]).map((p) => `${p.name} ${p.change} ${p.reprovisionedAccounts}`)).toEqual(['LogsRead edit 0']);
    expect(out.json.identityCenter).toMatchObject({ permissionSets: [], assignmentsAdded: [], assignmentsRemoved: [] });
  });

  test('an attach is a permission-set change plus reprovisioning: the sentence and the Identity Center section say so', async () => {
    const dir = gitRepo(idcOrg());
    change(dir, { 'permission-sets/Ops.yaml': 'customerManagedPolicies:\n  - LogsRead\n  - S3Read\n' });
    const out = await preview({ dir, base: 'main', reporter: new CollectingReporter() });
    // 222 has S3Read through Dev (attach), 333 does not (create first)
    expect(out.markdown).toContain('This will add the policy to 1 permission set(s) in 1 account(s), once it exists in each. Affected permission sets: `Ops`; 1 account(s) will be reprovisioned.');
    expect(out.markdown).toContain('This will create the policy in 1 account(s), and only then provision the permission sets that reference it there. Affected permission sets: `Ops`; 1 account(s) will be reprovisioned.');
    expect(out.markdown).toContain('### IAM Identity Center');
    expect(out.markdown).toContain('- `Ops`: update; references `Prism-S3Read`; reprovisions 2 account(s)');
    expect((out.json.identityCenter as any).reprovisioned).toEqual({ Ops: ['222222222222', '333333333333'] });
  });

  test('accounts that joined or left an OU since the last apply are a change; a newer membership not in the lock is a warning', async () => {
    const dir = gitRepo({
      ...idcOrg(),
      'assignments/ops.yaml': 'permissionSet: Ops\norganizationalUnits: [ou-ab12-workload]\nprincipals:\n  - group: Operators\n',
      'organizations.lock.json': lock(['222222222222', '333333333333']),
    });
    change(dir, { 'organizations.lock.json': lock(['333333333333', '444444444444']) });
    // discovery found one more account in the OU than the lock has
    const discovery = { version: 1, generatedAt: '2026-11-02T00:00:00.000Z', accounts: {}, organizations: { resolvedAt: '2026-11-02T00:00:00.000Z', organizationalUnits: { 'ou-ab12-workload': { name: 'Workloads', accounts: ['333333333333', '444444444444', '555555555555'] } } } };
    change(dir, { '.prism/discovery.json': discovery });
    const out = await preview({ dir, base: 'main', reporter: new CollectingReporter() });
    expect((out.json.organizations as any).notYetLocked).toEqual([{ unit: 'ou-ab12-workload', name: 'Workloads', joined: ['555555555555'], left: [] }]);
    expect(out.markdown).toContain('AWS Organizations lists a change in `ou-ab12-workload` (Workloads) that organizations.lock.json does not have yet (555555555555 joined): this change does not deploy it');
    expect((out.json.organizations as any).sinceLastApply).toEqual([{ unit: 'ou-ab12-workload', name: 'Workloads', joined: ['444444444444'], left: ['222222222222'] }]);
    expect(out.markdown).toContain('1 account(s) joined since the last apply (444444444444); they get its assignments with this change.');
    expect((out.json.policies as any[]).map((p) => `${p.name} ${p.change} ${p.accounts.join(',')}`)).toEqual(['LogsRead create 444444444444', 'LogsRead detach 222222222222']);
    expect((out.json.identityCenter as any).assignmentsAdded).toEqual([{ permissionSet: 'Ops', account: '444444444444', principal: 'group Operators' }]);
    expect((out.json.identityCenter as any).assignmentsRemoved).toEqual([{ permissionSet: 'Ops', account: '222222222222', principal: 'group Operators' }]);
  });

  test('a change to the identity-center stack alone still gets a plan and an apply job, in the shard that holds the IdC account', async () => {
    // every stack was applied at the base: the ledger holds a watermark for each account and for the identity-center stack
    const { clone } = remoteAndClone(idcOrg());
    const base = loadRepository(clone);
    const model = buildModel(base.documents, { materialised: new Map() });
    const at = '2026-11-20T10:00:00.000Z';
    const commit = git(clone, 'rev-parse', 'HEAD');
    const marks: Watermark[] = [...model.accounts.values()].map((state) => ({ type: 'applied', account: state.account, commit, stateHash: stackFingerprint(state, base.documents.settings), at, runId: 'seed' }));
    marks.push({ type: 'applied', account: IDC.account, stack: IDENTITY_CENTER_STACK, commit, stateHash: identityCenterFingerprint(model.identityCenter!, base.documents.settings), at, runId: 'seed' });
    const store = await LedgerStore.open({ repoDir: clone });
    await store.run('seed', at).append(marks, 'seed watermarks');

    change(clone, { 'assignments/finance.yaml': 'permissionSet: Finance\naccounts:\n  - "333333333333"\nprincipals:\n  - user: jane@example.com\n  - group: Auditors\n' });
    const plan = await accountsToPlan({ dir: clone, base: 'HEAD', reporter: new CollectingReporter() });
    expect(plan).toEqual({ kind: 'accounts', accounts: [IDC.account] });
    const toApply = await accountsToApply({ dir: clone, base: 'HEAD', reporter: new CollectingReporter() });
    expect(toApply).toEqual({ kind: 'accounts', accounts: [IDC.account] });
  });

  test('with no watermark yet, apply converges every account and the identity-center stack', async () => {
    const dir = gitRepo(idcOrg());
    change(dir, { 'assignments/finance.yaml': 'permissionSet: Finance\naccounts:\n  - "333333333333"\nprincipals:\n  - user: jane@example.com\n  - group: Auditors\n' });
    const toApply = await accountsToApply({ dir, base: 'main', ledger: false, reporter: new CollectingReporter() });
    expect(toApply).toEqual({ kind: 'accounts', accounts: ['111111111111', '222222222222', '333333333333', IDC.account] });
  });

  test('apply refuses a shard that leaves out affected accounts: the identity-center stack follows all of them', async () => {
    const dir = gitRepo(idcOrg());
    change(dir, { 'policies/LogsRead.json': doc('logs:FilterLogEvents') });
    await expect(apply({ dir, base: 'main', accounts: ['111111111111'], ledger: false, reporter: new CollectingReporter() })).rejects.toThrow(/leaves out 222222222222, 333333333333/);
  });
});
