import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadChange } from '../../src/pipeline/change';
import { CollectingReporter } from '../../src/pipeline/reporter';
import { AccountChange } from '../../src/change/change-set';
import { change, commit, git, gitRepo } from '../helpers/git';
import { org } from '../helpers/synth';

const doc = (action: string) => ({ Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Action: action, Resource: '*' }] });
const rows = (changes: AccountChange[]) => changes.map((c) => `${c.kind} ${c.policy} ${c.account} [${c.permissionSets.join(',')}]`).sort();

describe('preview: change detection on real git repositories', () => {
  test('edit: the document changed in every account that has it, naming the permission sets', async () => {
    const dir = gitRepo(org());
    change(dir, { 'policies/LogsRead.json': doc('logs:FilterLogEvents') });
    const ctx = await loadChange({ dir, base: 'main', reporter: new CollectingReporter() });
    expect(rows(ctx.changes)).toEqual(['edit LogsRead 111111111111 [Dev]', 'edit LogsRead 222222222222 [Dev,Ops]', 'edit LogsRead 333333333333 [Ops]']);
  });

  test('create: a new policy attached to a permission set', async () => {
    const dir = gitRepo(org());
    change(dir, { 'policies/SqsSend.json': doc('sqs:SendMessage'), 'permission-sets/Ops.yaml': 'customerManagedPolicies:\n  - LogsRead\n  - SqsSend\n' });
    const ctx = await loadChange({ dir, base: 'main', reporter: new CollectingReporter() });
    expect(rows(ctx.changes)).toEqual(['create SqsSend 222222222222 [Ops]', 'create SqsSend 333333333333 [Ops]']);
  });

  test('attach: a permission set already provisioned gains a CMP the account already has', async () => {
    const dir = gitRepo(org());
    change(dir, { 'permission-sets/Ops.yaml': 'customerManagedPolicies:\n  - LogsRead\n  - S3Read\n' });
    const ctx = await loadChange({ dir, base: 'main', reporter: new CollectingReporter() });
    // 222 already has S3Read through Dev: attach; 333 does not: create
    expect(rows(ctx.changes)).toEqual(['attach S3Read 222222222222 [Ops]', 'create S3Read 333333333333 [Ops]']);
  });

  test('detach: removed from a permission set; the policy stays', async () => {
    const dir = gitRepo(org());
    change(dir, { 'permission-sets/Ops.yaml': 'description: no policies\n' });
    const ctx = await loadChange({ dir, base: 'main', reporter: new CollectingReporter() });
    expect(rows(ctx.changes)).toEqual(['detach LogsRead 222222222222 [Ops]', 'detach LogsRead 333333333333 [Ops]']);
    expect(ctx.changes.some((c) => c.kind === 'delete')).toBe(false);
  });

  test('delete: the policy file was removed', async () => {
    const dir = gitRepo(org());
    change(dir, { 'policies/Billing.json': null, 'permission-sets/Finance.yaml': 'description: nothing yet\n' });
    const ctx = await loadChange({ dir, base: 'main', reporter: new CollectingReporter() });
    expect(rows(ctx.changes)).toEqual(['delete Billing 333333333333 [Finance]']);
  });

  test('adopt: known from discovery', async () => {
    const dir = gitRepo(org());
    change(dir, { 'policies/SqsSend.json': doc('sqs:SendMessage'), 'permission-sets/Finance.yaml': 'customerManagedPolicies:\n  - Billing\n  - SqsSend\n' });
    fs.mkdirSync(path.join(dir, '.prism'));
    fs.writeFileSync(
      path.join(dir, '.prism', 'discovery.json'),
      JSON.stringify({ version: 1, generatedAt: '2026-11-01T00:00:00Z', accounts: { '333333333333': { status: 'ok', policies: { SqsSend: { state: 'unmanaged', adoptedAt: '2026-11-01T00:00:00Z' } } } } }),
    );
    const ctx = await loadChange({ dir, base: 'main', reporter: new CollectingReporter() });
    expect(rows(ctx.changes)).toEqual(['adopt SqsSend 333333333333 [Finance]']);
  });

  test('a permission set assigned to more accounts creates its policies there', async () => {
    const dir = gitRepo(org());
    change(dir, { 'assignments/finance.yaml': 'permissionSet: Finance\naccounts:\n  - "333333333333"\n  - "444444444444"\n  - "111111111111"\n' });
    const ctx = await loadChange({ dir, base: 'main', reporter: new CollectingReporter() });
    expect(rows(ctx.changes)).toEqual(['create Billing 111111111111 [Finance]', 'create Billing 444444444444 [Finance]']);
    // only the accounts the change touches were built
    expect([...ctx.affected].sort()).toEqual(['111111111111', '444444444444']);
    expect(ctx.totalAccounts).toBe(4);
  });

  test('reads both sides from git without touching the working tree; --head can be a ref', async () => {
    const dir = gitRepo(org());
    change(dir, { 'policies/LogsRead.json': doc('logs:FilterLogEvents') });
    const head = commit(dir);
    change(dir, { 'policies/LogsRead.json': doc('logs:Other') }); // uncommitted, must be ignored with --head
    const before = git(dir, 'status', '--porcelain');
    const ctx = await loadChange({ dir, base: 'main~1', head, reporter: new CollectingReporter() });
    expect(ctx.changes.map((c) => c.kind)).toEqual(['edit', 'edit', 'edit']);
    expect(ctx.head.documents.policies.get('LogsRead')!.document).toEqual(doc('logs:FilterLogEvents'));
    expect(git(dir, 'status', '--porcelain')).toBe(before);
  });

  test('an unknown base is an external error naming the ref', async () => {
    const dir = gitRepo(org());
    await expect(loadChange({ dir, base: 'no-such-branch', reporter: new CollectingReporter() })).rejects.toThrow(/no-such-branch/);
  });
});
