/**
 * The whole pipeline for real: prism (as CI runs it) -> real terraform -> the AWS provider -> moto's
 * IAM, over three accounts and two permission sets. Every lifecycle event is driven through the prism
 * commands (discover, plan, preview from the real plan JSON, apply, rollouts, retry, drift), and after
 * each step IAM is read back with the AWS SDK and compared with the repository and the ledger.
 *
 * The steps share one repository and one emulator, in order, as a policy's life does.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { customerPolicyId } from '../../src/model/policy-id';
import { change, git, remoteAndClone } from '../helpers/git';
import { Iam } from './aws';
import { describeE2e, e2eEnv, E2E_REGION, Moto, terraformSettings } from './harness';
import { brief, merge, mergeWorkingTree, prism, rollouts } from './prism';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';

const doc = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });

/** IAM policy variables and Terraform template syntax: all of it must reach AWS as written. */
const TEAM_DATA = doc(
  { Sid: 'OwnPrefix', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::acme-team-data/${aws:PrincipalTag/team}/${aws:username}/*' },
  { Sid: 'NotFromScripts', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*', Condition: { StringLike: { 'aws:UserAgent': ['%{if true}*', '$${aws:username}*'] } } },
);
const DEV_DESCRIPTION = 'Engineers. ${path.cwd} and ${upper("x")} and %{ if true }x%{ endif } stay text';
const DEV_INLINE = doc({ Effect: 'Allow', Action: 'ssm:StartSession', Resource: 'arn:aws:ec2:*:*:instance/*', Condition: { StringEquals: { 'ssm:resourceTag/team': '${aws:PrincipalTag/team}' } } });
const logs = (n: number) => doc({ Sid: 'ReadLogs', Effect: 'Allow', Action: ['logs:GetLogEvents', 'logs:FilterLogEvents'], Resource: `arn:aws:logs:*:*:log-group:/app/v${n}:*` });
const SHARED = doc({ Sid: 'ReadParameters', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: 'arn:aws:ssm:*:*:parameter/shared/*' });
const SHARED_V2 = doc({ Sid: 'ReadParameters', Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: 'arn:aws:ssm:*:*:parameter/shared/*' });

const devSet = (cmps: string[]) =>
  [
    `description: ${JSON.stringify(DEV_DESCRIPTION)}`,
    'awsManagedPolicies:',
    '  - ReadOnlyAccess',
    `customerManagedPolicies: [${cmps.join(', ')}]`,
    `inlinePolicy: ${JSON.stringify(DEV_INLINE)}`,
    'tags:',
    '  team: platform',
    '',
  ].join('\n');
const opsSet = (cmps: string[]) => `description: Operators.\ncustomerManagedPolicies: [${cmps.join(', ')}]\n`;

// a guard against a hang, not a timed assertion: a step runs terraform in several accounts
jest.setTimeout(20 * 60_000);

describeE2e('the pipeline against real terraform and the moto AWS emulator', (tools) => {
  let moto: Moto;
  let iam: Iam;
  let env: NodeJS.ProcessEnv;
  let clone: string;
  const run = (args: string[], code?: number) => prism(clone, env, args, code);
  const preview = (args: string[] = []) => JSON.parse(run(['preview', '--base', 'HEAD', '--format', 'json', ...args]).stdout);

  beforeAll(async () => {
    moto = await Moto.start(tools.python);
    iam = new Iam(moto);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-e2e-'));
    env = e2eEnv(tools, moto, work);
    // an organisation with its settings and nothing else yet: the first merge creates everything
    ({ clone } = remoteAndClone({
      'cdktf.json': { app: 'node bin/prism.js synth', context: { prism: { region: E2E_REGION, terraform: terraformSettings(tools) } } },
      'policies/README.md': 'Customer managed policies.\n',
      'permission-sets/README.md': 'Permission sets.\n',
      'assignments/README.md': 'Assignments.\n',
      '.gitignore': 'cdktf.out/\n.prism/\nterraform-state/\n.terraform-plugin-cache/\n',
    }));
  }, 60_000);

  afterAll(async () => {
    iam?.close();
    await moto?.stop();
  });

  test('CREATE: the policies exist in every assigned account, tagged, described, attached, with user text verbatim', () => {
    // the pull request
    change(clone, {
      'policies/TeamData.json': TEAM_DATA,
      'policies/TeamData.meta.yaml': 'description: Team prefixes in the data bucket.\n',
      'policies/Logs.json': logs(1),
      'permission-sets/Dev.yaml': devSet(['TeamData']),
      'permission-sets/Ops.yaml': opsSet(['Logs']),
      'assignments/dev.yaml': `permissionSet: Dev\naccounts: ["${A}", "${B}", "${C}"]\n`,
      'assignments/ops.yaml': `permissionSet: Ops\naccounts: ["${A}"]\n`,
    });
    run(['discover', '--base', 'HEAD'], 0);
    run(['plan', '--base', 'HEAD'], 0);
    const p = preview();
    expect(p.policies.map((x: any) => `${x.name} ${x.change} ${x.accounts.sort().join(',')}`).sort()).toEqual([`Logs create ${A}`, `TeamData create ${A},${B},${C}`]);
    expect(p.summaryText).toMatch(/2 polic(y|ies).*3 account/);
    expect(p.summary).toMatchObject({ policies: 2, accounts: 3, changes: { create: 2 } });
    // the preview carries the real plan of every account
    expect(p.plan.map((s: any) => `${s.account} ${s.status}`).sort()).toEqual([`${A} planned`, `${B} planned`, `${C} planned`]);
    expect(p.plan.find((s: any) => s.account === B).changes).toContainEqual(expect.objectContaining({ address: 'aws_iam_policy.cmp_TeamData', actions: ['create'] }));

    // the merge, and CI's apply
    const base = mergeWorkingTree(clone, 'merge: create TeamData and Logs');
    run(['apply', '--base', base], 0);

    expect(brief(rollouts(clone, env, 'TeamData').latest)).toEqual([`${A} CREATE SUCCESS`, `${B} CREATE SUCCESS`, `${C} CREATE SUCCESS`]);
    expect(brief(rollouts(clone, env, 'Logs').latest)).toEqual([`${A} CREATE SUCCESS`]);
    expect(run(['rollouts', 'TeamData']).stdout).toContain('TeamData: 3 success · 0 pending · 0 failed');
  });

  test('CREATE: IAM holds exactly what the repository says', async () => {
    for (const account of [A, B, C]) {
      const p = (await iam.policy(account, 'Prism-TeamData'))!;
      expect(p).toBeDefined();
      expect(p.tags).toEqual({ 'Prism:Managed': 'true', 'Prism:CustomerPolicyID': customerPolicyId('TeamData') });
      expect(p.description).toBe('Managed by Prism');
      expect(p.path).toBe('/');
      // the file's document in meaning (the AWS provider sorts keys before sending it), with policy
      // variables and Terraform template syntax passed through as written
      expect(JSON.parse(p.documentText)).toEqual(TEAM_DATA);
      for (const verbatim of ['${aws:PrincipalTag/team}/${aws:username}/*', '"%{if true}*"', '"$${aws:username}*"']) expect(p.documentText).toContain(verbatim);
      expect(await iam.attachedTo(account, 'Prism-Dev')).toEqual(['Prism-TeamData', 'ReadOnlyAccess']);
      const role = await iam.role(account, 'Prism-Dev');
      expect(role.description).toBe(DEV_DESCRIPTION);
      expect(role.tags).toEqual({ team: 'platform', 'Prism:Managed': 'true', 'Prism:PermissionSet': 'Dev' });
      expect(JSON.parse(await iam.inlinePolicy(account, 'Prism-Dev', 'PrismInline'))).toEqual(DEV_INLINE);
    }
    expect(await iam.attachedTo(A, 'Prism-Ops')).toEqual(['Prism-Logs']);
    expect(await iam.policy(B, 'Prism-Logs')).toBeUndefined();
  });

  test('EDIT: each edit is a new default version; after six edits IAM holds at most 5 versions', async () => {
    for (let n = 2; n <= 7; n++) {
      const base = merge(clone, { 'policies/Logs.json': logs(n) }, `merge: Logs v${n}`);
      run(['apply', '--base', base], 0);
      const p = (await iam.policy(A, 'Prism-Logs'))!;
      expect(JSON.parse(p.documentText)).toEqual(logs(n));
      expect(p.versions).toBeLessThanOrEqual(5);
    }
    expect((await iam.policy(A, 'Prism-Logs'))!.versions).toBe(5);
    const { latest, history } = rollouts(clone, env, 'Logs');
    expect(brief(latest)).toEqual([`${A} EDIT SUCCESS`]);
    expect(history.filter((r) => r.event === 'EDIT' && r.status === 'SUCCESS')).toHaveLength(6);
  });

  test('ATTACH: a second permission set gets the policy', async () => {
    change(clone, { 'permission-sets/Ops.yaml': opsSet(['Logs', 'TeamData']) });
    const p = preview();
    expect(p.policies.map((x: any) => `${x.name} ${x.change} ${x.accounts.join(',')} ${x.permissionSets.join(',')}`)).toEqual([`TeamData attach ${A} Ops`]);
    const base = mergeWorkingTree(clone, 'merge: Ops gets TeamData');
    run(['apply', '--base', base], 0);
    expect(await iam.attachedTo(A, 'Prism-Ops')).toEqual(['Prism-Logs', 'Prism-TeamData']);
    expect(brief(rollouts(clone, env, 'TeamData').latest)).toEqual([`${A} ATTACH SUCCESS`, `${B} CREATE SUCCESS`, `${C} CREATE SUCCESS`]);
  });

  test('DETACH: the policy stays in the account, attached to nothing', async () => {
    change(clone, { 'permission-sets/Ops.yaml': opsSet(['TeamData']) });
    run(['plan', '--base', 'HEAD'], 0);
    const p = preview();
    expect(p.policies.map((x: any) => `${x.name} ${x.change} ${x.accounts.join(',')}`)).toEqual([`Logs detach ${A}`]);
    // Terraform's view: the attachment goes, the policy does not
    const changes = p.plan.find((s: any) => s.account === A).changes.filter((c: any) => !c.actions.includes('no-op'));
    expect(changes.map((c: any) => `${c.address} ${c.actions.join('+')}`)).toEqual(['aws_iam_role_policy_attachment.role_Ops__cmp_Logs delete']);
    const base = mergeWorkingTree(clone, 'merge: Ops drops Logs');
    run(['apply', '--base', base], 0);
    const live = (await iam.policy(A, 'Prism-Logs'))!;
    expect(live).toBeDefined();
    expect(live.attachmentCount).toBe(0);
    expect(await iam.attachedTo(A, 'Prism-Ops')).toEqual(['Prism-TeamData']);
    expect(brief(rollouts(clone, env, 'Logs').latest)).toEqual([`${A} DETACH SUCCESS`]);
  });

  test('ADOPT: an existing untagged Prism-Shared is imported, overwritten and tagged; the next plan is clean', async () => {
    await iam.createPolicy(B, 'Prism-Shared', doc({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }));
    change(clone, { 'policies/Shared.json': SHARED, 'permission-sets/Dev.yaml': devSet(['TeamData', 'Shared']) });
    run(['discover', '--base', 'HEAD'], 0);
    const discovery = JSON.parse(fs.readFileSync(path.join(clone, '.prism', 'discovery.json'), 'utf8'));
    expect(discovery.accounts[B].policies.Shared).toMatchObject({ state: 'unmanaged' });
    expect(discovery.accounts[A].policies.Shared).toMatchObject({ state: 'absent' });
    run(['plan', '--base', 'HEAD'], 0);
    const p = preview();
    expect(p.policies.map((x: any) => `${x.name} ${x.change} ${x.accounts.sort().join(',')}`).sort()).toEqual([`Shared adopt ${B}`, `Shared create ${A},${C}`]);
    expect(p.plan.find((s: any) => s.account === B).changes).toContainEqual(expect.objectContaining({ address: 'aws_iam_policy.cmp_Shared', importing: Iam.policyArn(B, 'Prism-Shared') }));

    const base = mergeWorkingTree(clone, 'merge: Shared');
    run(['apply', '--base', base], 0);

    const { latest } = rollouts(clone, env, 'Shared');
    expect(brief(latest)).toEqual([`${A} CREATE SUCCESS`, `${B} ADOPT SUCCESS`, `${C} CREATE SUCCESS`]);
    const adoptedAt = latest.find((r) => r.account === B)!.adoptedAt!;
    expect(Date.parse(adoptedAt)).not.toBeNaN();
    const live = (await iam.policy(B, 'Prism-Shared'))!;
    expect(JSON.parse(live.documentText)).toEqual(SHARED);
    expect(live.tags).toEqual({ 'Prism:Managed': 'true', 'Prism:CustomerPolicyID': customerPolicyId('Shared'), 'Prism:Adopted': 'true', 'Prism:AdoptedAt': adoptedAt });
    expect(await iam.attachedTo(B, 'Prism-Dev')).toEqual(['Prism-Shared', 'Prism-TeamData', 'ReadOnlyAccess']);
    expect((await iam.policy(A, 'Prism-Shared'))!.tags['Prism:Adopted']).toBeUndefined();

    // a full plan afterwards changes nothing anywhere: adoption time and imports are stable
    run(['discover', '--all'], 0);
    run(['plan', '--all'], 0);
    const plan = JSON.parse(fs.readFileSync(path.join(clone, '.prism', 'plan.json'), 'utf8'));
    for (const s of plan.accounts) {
      expect({ account: s.account, status: s.status, changes: s.changes.filter((c: any) => !c.actions.every((a: string) => a === 'no-op')) }).toEqual({ account: s.account, status: 'planned', changes: [] });
    }
  });

  test('DELETE blocked in one account: the preview warns, that row FAILS with DeleteConflict, the others succeed', async () => {
    await iam.createRole(C, 'OutsideAuditor');
    await iam.attach(C, 'OutsideAuditor', 'Prism-TeamData');
    // the same merge edits Shared, which must succeed everywhere, C included
    const deletion = { 'policies/TeamData.json': null, 'policies/TeamData.meta.yaml': null, 'policies/Shared.json': SHARED_V2, 'permission-sets/Dev.yaml': devSet(['Shared']), 'permission-sets/Ops.yaml': opsSet([]) };
    change(clone, deletion);
    run(['discover', '--base', 'HEAD'], 0);
    // unconfirmed, the check fails; confirmed, it passes and still warns
    expect(run(['preview', '--base', 'HEAD', '--format', 'json']).code).toBe(1);
    const p = preview(['--confirm-delete', 'TeamData']);
    const del = p.policies.find((x: any) => x.name === 'TeamData' && x.change === 'delete');
    expect(del.accounts.sort()).toEqual([A, B, C]);
    expect(del.confirmed).toBe(true);
    expect(del.warnings).toContainEqual(expect.stringContaining(`still attached to non-Prism entities in account ${C} (role OutsideAuditor)`));

    const base = mergeWorkingTree(clone, 'merge: delete TeamData');
    const applied = run(['apply', '--base', base, '--failure-tolerance', '2'], 1);
    expect(applied.stderr).toMatch(/1 account\(s\) failed|failed/);

    const { latest } = rollouts(clone, env, 'TeamData');
    expect(brief(latest)).toEqual([`${A} DELETE SUCCESS`, `${B} DELETE SUCCESS`, `${C} DELETE FAILED`]);
    expect(latest.find((r) => r.account === C)!.error).toMatch(/DeleteConflict: Cannot delete a policy attached to entities/);
    // one policy's refusal never fails another's rollout in the same account
    expect(brief(rollouts(clone, env, 'Shared').latest)).toEqual([`${A} EDIT SUCCESS`, `${B} EDIT SUCCESS`, `${C} EDIT SUCCESS`]);
    expect(JSON.parse((await iam.policy(C, 'Prism-Shared'))!.documentText)).toEqual(SHARED_V2);
    expect(await iam.policy(A, 'Prism-TeamData')).toBeUndefined();
    expect(await iam.policy(B, 'Prism-TeamData')).toBeUndefined();
    // in C the policy stays, detached from every Prism role, attached to the outside role only
    expect((await iam.policy(C, 'Prism-TeamData'))!.attachmentCount).toBe(1);
    expect(await iam.attachedTo(C, 'Prism-Dev')).toEqual(['Prism-Shared', 'ReadOnlyAccess']);
  });

  test('RETRY: once the outside role lets go, prism retry brings the failed account to SUCCESS', async () => {
    await iam.detach(C, 'OutsideAuditor', 'Prism-TeamData');
    git(clone, 'pull', '-q', '--rebase', 'origin', 'main');
    const r = run(['retry', 'TeamData'], 0);
    expect(r.stderr).toContain(C);
    const { latest, history } = rollouts(clone, env, 'TeamData');
    expect(brief(latest)).toEqual([`${A} DELETE SUCCESS`, `${B} DELETE SUCCESS`, `${C} DELETE SUCCESS`]);
    const failed = history.find((x) => x.account === C && x.status === 'FAILED')!;
    expect(latest.find((x) => x.account === C)!.retryOf).toBe(failed.id);
    expect(await iam.policy(C, 'Prism-TeamData')).toBeUndefined();
    expect(run(['rollouts', 'TeamData']).stdout).toContain('TeamData: 3 success · 0 pending · 0 failed');
  });

  test('DASHBOARD: the rollout dashboard of this real history, from the ledger branch', () => {
    const out = path.join(clone, '.prism', 'dashboard');
    const r = run(['dashboard', '--out', out], 0);
    expect(r.stderr).toMatch(/dashboard: \d+ policies, 3 account\(s\)/);
    const page = fs.readFileSync(path.join(out, 'policies', 'TeamData', 'index.html'), 'utf8');
    const text = page.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');
    // the latest rollout in each account: every delete done, after the retry
    expect(text).toContain('3 account(s): 3 success, 0 pending, 0 failed');
    // and the history: the merge that deleted it failed in C, the retry wave brought C to SUCCESS
    expect(text).toMatch(new RegExp(`\\d+ retry [0-9a-f]{12} .*? DELETE 1 success 0 pending 0 failed .*?${C}: SUCCESS`));
    expect(text).toMatch(new RegExp(`\\d+ merge [0-9a-f]{12} .*? DELETE 2 success 0 pending 1 failed .*?${C}: FAILED`));
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('Shared');
    // the ledger's run files are git blobs: a second build folds none of them again, and builds the same pages
    const files = Number(/dashboard: (\d+) ledger file\(s\), \d+ parsed/.exec(r.stderr)![1]);
    expect(files).toBeGreaterThan(1);
    const again = run(['dashboard', '--out', out], 0);
    expect(again.stderr).toContain(`dashboard: ${files} ledger file(s), 0 parsed, ${files} from the cache`);
    expect(fs.readFileSync(path.join(out, 'policies', 'TeamData', 'index.html'), 'utf8').replace(/<p class="note">Generated [^<]*/, '')).toBe(page.replace(/<p class="note">Generated [^<]*/, ''));
  });

  test('DRIFT: a console edit is reported by prism drift, from the refresh-only plan and discovery', async () => {
    await iam.editInConsole(A, 'Prism-Shared', doc({ Effect: 'Allow', Action: 'ssm:*', Resource: '*' }));
    const out = path.join(clone, '.prism', 'drift-plan.json');
    run(['plan', '--all', '--refresh-only', '--out', out], 0);
    const plan = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(plan.accounts.find((s: any) => s.account === A).drift).toContainEqual(expect.objectContaining({ address: 'aws_iam_policy.cmp_Shared' }));
    expect(plan.accounts.find((s: any) => s.account === B).drift).toEqual([]);
    run(['discover', '--all'], 0);
    const r = run(['drift', '--plan', out], 1);
    expect(r.stdout).toContain('Shared');
    expect(r.stdout).toContain(A);
    expect(r.stdout).not.toContain(B);
  });
});
