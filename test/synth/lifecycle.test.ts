import { App } from 'cdktf';
import { AccountStack } from '../../src/synth/account-stack';
import { DiscoveryResults } from '../../src/model/discovery';
import { addresses, org, StackJson, synthFiles } from '../helpers/synth';
import { FileMap } from '../helpers/repo';

const without = (files: FileMap, ...paths: string[]) => Object.fromEntries(Object.entries(files).filter(([p]) => !paths.includes(p)));

/** The stack with one resource attribute blanked, for "nothing else changed" comparisons. */
function blank(stack: StackJson, type: string, name: string, attr: string): StackJson {
  const copy = structuredClone(stack);
  delete copy.resource[type][name][attr];
  return copy;
}

describe('synth: lifecycle semantics', () => {
  let before: Map<string, StackJson>;
  beforeAll(async () => {
    before = (await synthFiles(org())).stacks;
  });

  test('edit: a policy edit changes that policy document in every account that has it, and nothing else', async () => {
    // GIVEN an edit of LogsRead, which accounts 111, 222 and 333 all have
    const edited = { ...org(), 'policies/LogsRead.json': { Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Action: ['logs:GetLogEvents', 'logs:FilterLogEvents'], Resource: '*' }] } };
    const after = (await synthFiles(edited)).stacks;
    for (const account of ['111111111111', '222222222222', '333333333333']) {
      const a = after.get(account)!;
      const b = before.get(account)!;
      // THEN the document changed
      expect(JSON.parse(a.resource.aws_iam_policy.cmp_LogsRead.policy).Statement[0].Action).toEqual(['logs:GetLogEvents', 'logs:FilterLogEvents']);
      // and nothing else did: not the name, tags or description (which would replace it), nor any other resource
      expect(blank(a, 'aws_iam_policy', 'cmp_LogsRead', 'policy')).toEqual(blank(b, 'aws_iam_policy', 'cmp_LogsRead', 'policy'));
    }
  });

  test('edit: reformatting a policy file changes nothing', async () => {
    const reformatted = { ...org(), 'policies/S3Read.json': '{"Statement":[{"Resource":"*","Action":"s3:GetObject","Effect":"Allow","Sid":"A"}],"Version":"2012-10-17"}' };
    expect((await synthFiles(reformatted)).stacks).toEqual(before);
  });

  test('detach: removing a CMP from a permission set removes its attachments but keeps the policy', async () => {
    // GIVEN Dev no longer uses S3Read (accounts 111 and 222); the base commit still had it
    const detached = { ...org(), 'permission-sets/Dev.yaml': (org()['permission-sets/Dev.yaml'] as string).replace('  - S3Read\n', '') };
    const after = (await synthFiles(detached, { base: org() })).stacks;
    for (const account of ['111111111111', '222222222222']) {
      const a = after.get(account)!;
      expect(addresses(a)).not.toContain('aws_iam_role_policy_attachment.role_Dev__cmp_S3Read');
      // the policy stays, unchanged: roles outside Prism may use it
      expect(a.resource.aws_iam_policy.cmp_S3Read).toEqual(before.get(account)!.resource.aws_iam_policy.cmp_S3Read);
    }
  });

  test('detach: the rollout ledger keeps a policy materialised once the base no longer shows it', async () => {
    const detached = { ...org(), 'permission-sets/Dev.yaml': (org()['permission-sets/Dev.yaml'] as string).replace('  - S3Read\n', '') };
    const row = { id: 'r1', policy: 'S3Read', account: '111111111111', event: 'CREATE', status: 'SUCCESS', startedAt: '2026-01-01T00:00:00Z', commit: 'abc' };
    const after = (await synthFiles({ ...detached, 'rollouts/S3Read.jsonl': JSON.stringify(row) + '\n' })).stacks;
    expect(after.get('111111111111')!.resource.aws_iam_policy.cmp_S3Read).toBeDefined();
    // 222 has no ledger row and no base: the policy was never materialised there as far as Prism knows
    expect(after.get('222222222222')!.resource.aws_iam_policy.cmp_S3Read).toBeUndefined();
  });

  test('library delete: removing a policy file removes every attachment and the policy from every account', async () => {
    // GIVEN LogsRead is deleted from the library, and its references with it
    const files = without(org(), 'policies/LogsRead.json');
    files['permission-sets/Dev.yaml'] = (files['permission-sets/Dev.yaml'] as string).replace('  - LogsRead\n', '');
    files['permission-sets/Ops.yaml'] = 'description: Ops\n';
    const row = (account: string) => JSON.stringify({ id: `c-${account}`, policy: 'LogsRead', account, event: 'CREATE', status: 'SUCCESS', startedAt: '2026-01-01T00:00:00Z', commit: 'abc' });
    files['rollouts/LogsRead.jsonl'] = ['111111111111', '222222222222', '333333333333'].map(row).join('\n') + '\n';
    const after = (await synthFiles(files, { base: org() })).stacks;
    for (const [account, stack] of after) {
      const all = addresses(stack);
      expect(all.filter((a) => a.includes('LogsRead'))).toEqual([]);
      // nothing else was touched
      const other = addresses(before.get(account)!).filter((a) => !a.includes('LogsRead'));
      expect(all).toEqual(other);
    }
  });

  test('library delete: an account left with nothing still gets a stack, so Terraform can destroy', async () => {
    // GIVEN account 333 loses its only assignments and the base had it
    const files = without(org(), 'assignments/finance.yaml');
    files['assignments/ops.yaml'] = 'permissionSet: Ops\naccounts:\n  - "222222222222"\n';
    const after = (await synthFiles(files, { base: org() })).stacks;
    const a3 = after.get('333333333333')!;
    // roles go; the policies it had stay materialised (only a library delete removes them)
    expect(addresses(a3)).toEqual(['aws_iam_policy.cmp_Billing', 'aws_iam_policy.cmp_LogsRead']);
  });

  test('adoption: an untagged existing policy is imported and tagged Prism:Adopted with a stable timestamp', async () => {
    const discovery: DiscoveryResults = {
      version: 1,
      generatedAt: '2026-11-01T10:00:00.000Z',
      accounts: {
        '111111111111': { status: 'ok', policies: { S3Read: { state: 'unmanaged', arn: 'arn:aws:iam::111111111111:policy/Prism-S3Read', adoptedAt: '2026-10-31T09:30:00.000Z' } } },
      },
    };
    const first = (await synthFiles(org(), { discovery })).stacks.get('111111111111')!;
    expect(first.import).toEqual([{ to: 'aws_iam_policy.cmp_S3Read', id: 'arn:aws:iam::111111111111:policy/Prism-S3Read' }]);
    expect(first.resource.aws_iam_policy.cmp_S3Read.tags).toMatchObject({ 'Prism:Adopted': 'true', 'Prism:AdoptedAt': '2026-10-31T09:30:00.000Z', 'Prism:Managed': 'true' });
    // the document is overwritten with the repository's
    expect(first.resource.aws_iam_policy.cmp_S3Read.policy).toBe(before.get('111111111111')!.resource.aws_iam_policy.cmp_S3Read.policy);
    // a later synth gives the same timestamp, so plans stay clean
    expect((await synthFiles(org(), { discovery })).stacks.get('111111111111')).toEqual(first);
    // other accounts are untouched
    expect((await synthFiles(org(), { discovery })).stacks.get('222222222222')).toEqual(before.get('222222222222'));
  });

  test('adoption: after apply, the ledger keeps the AdoptedAt tag without discovery', async () => {
    const row = { id: 'a1', policy: 'S3Read', account: '111111111111', event: 'ADOPT', status: 'SUCCESS', startedAt: '2026-10-31T09:31:00Z', commit: 'abc', adoptedAt: '2026-10-31T09:30:00.000Z' };
    const stack = (await synthFiles({ ...org(), 'rollouts/S3Read.jsonl': JSON.stringify(row) + '\n' })).stacks.get('111111111111')!;
    expect(stack.import).toBeUndefined();
    expect(stack.resource.aws_iam_policy.cmp_S3Read.tags['Prism:AdoptedAt']).toBe('2026-10-31T09:30:00.000Z');
  });

  test('a managed policy missing from state is imported without adoption tags', async () => {
    const discovery: DiscoveryResults = {
      version: 1,
      generatedAt: '2026-11-01T10:00:00.000Z',
      accounts: { '222222222222': { status: 'ok', policies: { LogsRead: { state: 'managed', arn: 'arn:aws:iam::222222222222:policy/Prism-LogsRead' } } } },
    };
    const stack = (await synthFiles(org(), { discovery })).stacks.get('222222222222')!;
    expect(stack.import).toEqual([{ to: 'aws_iam_policy.cmp_LogsRead', id: 'arn:aws:iam::222222222222:policy/Prism-LogsRead' }]);
    expect(stack.resource.aws_iam_policy.cmp_LogsRead.tags).toEqual(before.get('222222222222')!.resource.aws_iam_policy.cmp_LogsRead.tags);
  });

  test('an account whose discovery failed gets no imports', async () => {
    const discovery: DiscoveryResults = {
      version: 1,
      generatedAt: '2026-11-01T10:00:00.000Z',
      accounts: { '111111111111': { status: 'error', error: { code: 'AccessDenied', message: 'no' }, policies: { S3Read: { state: 'unmanaged' } } } },
    };
    expect((await synthFiles(org(), { discovery })).stacks.get('111111111111')!.import).toBeUndefined();
  });

  test('managed-policy budget: synth refuses a role over the budget even if validation was bypassed', async () => {
    const { model } = await synthFiles(org());
    const state = model.accounts.get('111111111111')!;
    const over = { ...state, roles: state.roles.map((r) => ({ ...r, customerManagedPolicies: Array.from({ length: 11 }, (_, i) => `P${i}`) })) };
    expect(() => new AccountStack(new App({ outdir: '/tmp/never' }), 'x', over, model.settings, { localStatePath: 'x' })).toThrow(/budget is 10/);
  });

  test('stable addresses: unrelated changes never move or alter existing resources', async () => {
    // GIVEN a new policy, a new permission set and a new account
    const more = {
      ...org(),
      'policies/NewThing.json': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] },
      'permission-sets/Aaa.yaml': 'customerManagedPolicies:\n  - NewThing\n',
      'assignments/aaa.yaml': 'permissionSet: Aaa\naccounts:\n  - "111111111111"\n  - "444444444444"\n',
    };
    const after = (await synthFiles(more)).stacks;
    for (const [account, b] of before) {
      const a = after.get(account)!;
      for (const [type, byName] of Object.entries(b.resource)) {
        for (const [name, body] of Object.entries(byName)) expect(a.resource[type][name]).toEqual(body);
      }
    }
  });
});
