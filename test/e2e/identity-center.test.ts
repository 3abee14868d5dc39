/**
 * Identity-center mode and assignments by organizational unit, for real: prism (as CI runs it) ->
 * real terraform -> the AWS provider -> moto's IAM, IAM Identity Center (sso-admin), identity store
 * and AWS Organizations. The emulator provisions a permission set the way AWS does (see
 * test/e2e/moto_server.py): the AWSReservedSSO_* role in the target account, with the referenced
 * Prism-<name> policies attached, and FAILED when one does not exist there. So provisioning in the
 * wrong order fails here as it would in AWS.
 *
 * The steps share one organisation, in order: OU resolution, CREATE across an OU, an account that
 * joins the OU and whose policy stack fails (it is not provisioned; its row says why), the retry, an
 * ATTACH held back everywhere while one account of the permission set is not ready (then retried),
 * DETACH, an account that leaves the OU, and a DELETE whose references go before the policy.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { change, remoteAndClone } from '../helpers/git';
import { Iam } from './aws';
import { describeE2e, e2eEnv, E2E_REGION, Moto, terraformSettings } from './harness';
import { IdentityCenter } from './identity-center-aws';
import { brief, merge, mergeWorkingTree, prism, rollouts } from './prism';

const M = '999999999999'; // the management account: Organizations, IAM Identity Center, the identity-center stack
const A = '121212121212'; // assigned by ID

const doc = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
const TEAM_READ = doc({ Sid: 'ReadTeamData', Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::acme-team/${aws:PrincipalTag/team}/*' });
const LOGS = doc({ Sid: 'ReadLogs', Effect: 'Allow', Action: ['logs:GetLogEvents'], Resource: 'arn:aws:logs:*:*:log-group:/app/*' });
const INLINE = doc({ Effect: 'Allow', Action: 'ssm:StartSession', Resource: 'arn:aws:ec2:*:*:instance/*' });
const devSet = (cmps: string[]) => `description: Engineers.\nsessionDuration: PT4H\nawsManagedPolicies: [ReadOnlyAccess]\ncustomerManagedPolicies: [${cmps.join(', ')}]\ninlinePolicy: ${JSON.stringify(INLINE)}\n`;

// a guard against a hang, not a timed assertion: a step runs terraform in several accounts
jest.setTimeout(30 * 60_000);

describeE2e('identity-center mode and organizational units against real terraform and moto', (tools) => {
  let moto: Moto;
  let iam: Iam;
  let idc: IdentityCenter;
  let env: NodeJS.ProcessEnv;
  let clone: string;
  let instanceArn: string;
  let root: string;
  let workloads: string; // an OU with a child OU
  let teams: string;
  let W1: string; // in workloads
  let W2: string; // in teams (a child of workloads)
  let SKIP: string; // in workloads, excluded
  let NEW: string; // joins workloads later
  let developers: string;
  // Each CI job starts from a fresh checkout, so the output folders never hold Terraform's working
  // files from an earlier job. Here every step runs in one clone: clear them as a new job would have.
  // (Without this, synth refuses a cdktf.out that holds .terraform/ from an earlier plan or apply, on
  // main as of this branch; the lifecycle suite fails the same way.)
  const fresh = () => {
    for (const d of ['cdktf.out', 'cdktf.out.retain']) fs.rmSync(path.join(clone, d), { recursive: true, force: true });
  };
  const run = (args: string[], code?: number) => {
    if (['plan', 'apply', 'retry'].includes(args[0])) fresh();
    return prism(clone, env, args, code);
  };
  const preview = () => JSON.parse(run(['preview', '--base', 'HEAD', '--format', 'json']).stdout);
  const lock = () => JSON.parse(fs.readFileSync(path.join(clone, 'organizations.lock.json'), 'utf8'));
  const devArn = async () => (await idc.permissionSets(instanceArn)).get('Dev')!.arn;

  beforeAll(async () => {
    moto = await Moto.start(tools.python);
    iam = new Iam(moto);
    idc = new IdentityCenter(moto, M);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-e2e-idc-'));
    env = e2eEnv(tools, moto, work);

    // the organisation: an OU with a child OU, three member accounts, one of them excluded
    root = await idc.createOrganization();
    workloads = await idc.createUnit(root, 'Workloads');
    teams = await idc.createUnit(workloads, 'Teams');
    W1 = await idc.createAccount('w1', root, workloads);
    W2 = await idc.createAccount('w2', root, teams);
    SKIP = await idc.createAccount('skip', root, workloads);
    const instance = await idc.instance();
    instanceArn = instance.instanceArn;
    developers = await idc.createGroup(instance.identityStoreId, 'Developers');

    ({ clone } = remoteAndClone({
      'cdktf.json': {
        app: 'node bin/prism.js synth',
        context: {
          prism: {
            region: E2E_REGION,
            mode: 'identity-center',
            identityCenter: { instanceArn, identityStoreId: instance.identityStoreId, account: M },
            terraform: terraformSettings(tools),
          },
        },
      },
      'policies/README.md': 'Customer managed policies.\n',
      'permission-sets/README.md': 'Permission sets.\n',
      'assignments/README.md': 'Assignments.\n',
      '.gitignore': 'cdktf.out/\ncdktf.out.*/\n.prism/\nterraform-state/\n.terraform-plugin-cache/\n',
    }));
  }, 120_000);

  afterAll(async () => {
    iam?.close();
    idc?.close();
    await moto?.stop();
  });

  test('organizational units resolve through AWS Organizations into the committed lock, child OUs included', () => {
    change(clone, {
      'policies/TeamRead.json': TEAM_READ,
      'permission-sets/Dev.yaml': devSet(['TeamRead']),
      'assignments/dev.yaml': `permissionSet: Dev\naccounts: ["${A}"]\norganizationalUnits: [${workloads}]\nexcludeAccounts: ["${SKIP}"]\nprincipals:\n  - group: Developers\n`,
    });
    // before the lock exists the OU's accounts are unknown: validation says where
    const invalid = run(['validate', '--format', 'json'], 1);
    expect(JSON.parse(invalid.stdout).diagnostics).toContainEqual(expect.objectContaining({ code: 'organizations/unresolved-unit', file: 'assignments/dev.yaml', line: 3 }));
    // the drift check: exit 1 while the lock is stale
    expect(run(['organizations']).code).toBe(1);
    run(['organizations', '--update'], 0);
    expect(lock().organizationalUnits).toEqual({ [workloads]: { name: 'Workloads', accounts: [SKIP, W1, W2].sort() } });
    expect(run(['organizations']).code).toBe(0);
    run(['validate'], 0);
  });

  test('CREATE: the policy stacks run first, then the identity-center stack provisions every account', async () => {
    run(['discover', '--base', 'HEAD'], 0);
    // discovery records what AWS Organizations says now, beside the lock
    const discovered = JSON.parse(fs.readFileSync(path.join(clone, '.prism', 'discovery.json'), 'utf8'));
    expect(discovered.organizations.organizationalUnits).toEqual(lock().organizationalUnits);
    run(['plan', '--base', 'HEAD'], 0);
    const p = preview();
    expect(p.policies.map((x: any) => `${x.name} ${x.change} ${x.accounts.sort().join(',')} ${x.reprovisionedAccounts}`)).toEqual([`TeamRead create ${[A, W1, W2].sort().join(',')} 3`]);
    expect(p.identityCenter.assignmentsAdded).toHaveLength(3);
    expect(p.identityCenter.permissionSets).toEqual([expect.objectContaining({ permissionSet: 'Dev', kind: 'create' })]);
    // the identity-center stack's own plan is in the preview
    const idcPlan = p.plan.find((s: any) => s.account === 'identity-center');
    expect(idcPlan.status).toBe('planned');
    expect(idcPlan.changes.map((c: any) => c.address)).toEqual(expect.arrayContaining(['aws_ssoadmin_permission_set.ps_Dev', 'aws_ssoadmin_customer_managed_policy_attachment.ps_Dev__cmp_TeamRead', `aws_ssoadmin_account_assignment.ps_Dev["${W2}__group_Developers"]`]));
    const markdown = fs.readFileSync(path.join(clone, '.prism', 'preview.md'), 'utf8');
    expect(markdown).toContain('3 account(s) will be reprovisioned');
    expect(markdown).toContain('### IAM Identity Center');

    const base = mergeWorkingTree(clone, 'merge: Dev with TeamRead');
    run(['apply', '--base', base], 0);

    const { latest } = rollouts(clone, env, 'TeamRead');
    expect(brief(latest)).toEqual([A, W1, W2].sort().map((a) => `${a} CREATE SUCCESS`));
    for (const r of latest as any[]) {
      expect(r.steps.map((s: any) => `${s.step} ${s.status}`)).toEqual(['policy SUCCESS', 'provision SUCCESS']);
      // the order is recorded: the provision step ended after the policy step
      expect(Date.parse(r.steps[1].endedAt)).toBeGreaterThanOrEqual(Date.parse(r.steps[0].endedAt));
    }
    const dev = (await idc.permissionSets(instanceArn)).get('Dev')!;
    expect(dev).toMatchObject({ sessionDuration: 'PT4H', managedPolicies: ['ReadOnlyAccess'], customerManagedPolicies: ['/Prism-TeamRead'] });
    expect(JSON.parse(dev.inlinePolicy)).toEqual(INLINE);
    for (const account of [A, W1, W2]) {
      expect(await idc.assignments(instanceArn, dev.arn, account)).toEqual([`GROUP ${developers}`]);
      expect((await iam.policy(account, 'Prism-TeamRead'))!.tags['Prism:Managed']).toBe('true');
      // what provisioning made there: the reserved role with the policy attached
      expect((await idc.reservedRoles(account)).get('AWSReservedSSO_Dev')).toEqual(['Prism-TeamRead', 'ReadOnlyAccess']);
    }
    // the excluded account gets nothing; the per-account stacks create no roles
    expect(await idc.assignments(instanceArn, dev.arn, SKIP)).toEqual([]);
    expect(await iam.policy(SKIP, 'Prism-TeamRead')).toBeUndefined();
    expect(fs.readdirSync(path.join(clone, 'cdktf.out', 'stacks')).sort()).toEqual([...[A, W1, W2].sort().map((a) => `account-${a}`), 'identity-center']);
    const stack = JSON.parse(fs.readFileSync(path.join(clone, 'cdktf.out', 'stacks', `account-${W1}`, 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(stack.resource)).toEqual(['aws_iam_policy']);
  });

  test('an account that joins the OU shows in the preview; when its policy stack fails it is not provisioned, and its row says why', async () => {
    NEW = await idc.createAccount('new', root, teams);
    expect(run(['organizations', '--update']).code).toBe(0);
    const p = preview();
    expect(p.organizations.sinceLastApply).toEqual([{ unit: workloads, name: 'Workloads', joined: [NEW], left: [] }]);
    expect(p.policies.map((x: any) => `${x.name} ${x.change} ${x.accounts.join(',')}`)).toEqual([`TeamRead create ${NEW}`]);
    expect(p.identityCenter.assignmentsAdded).toEqual([{ permissionSet: 'Dev', account: NEW, principal: 'group Developers' }]);

    // the failure mode Prism exists to prevent: assigning the permission set before the policy exists
    // there fails, as in AWS (the emulator's provisioning; see moto_server.py)
    const naive = await idc.assignDirectly(instanceArn, await devArn(), NEW, developers);
    expect(naive.status).toBe('FAILED');
    expect(naive.reason).toMatch(/Prism-TeamRead .*does not exist/);
    expect(await idc.assignments(instanceArn, await devArn(), NEW)).toEqual([]);

    // someone made Prism-TeamRead by hand in the new account, after discovery looked: the create fails there
    await iam.createPolicy(NEW, 'Prism-TeamRead', doc({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }));
    const base = mergeWorkingTree(clone, 'merge: organizations.lock.json');
    const r = run(['apply', '--base', base]);
    expect(r.code).toBe(1);

    const row = (rollouts(clone, env, 'TeamRead').latest as any[]).find((x) => x.account === NEW);
    expect(`${row.event} ${row.status}`).toBe('CREATE FAILED');
    expect(row.steps[0]).toMatchObject({ step: 'policy', status: 'FAILED' });
    expect(row.steps[0].error).toMatch(/EntityAlreadyExists/);
    expect(row.steps[1]).toMatchObject({ step: 'provision', status: 'FAILED' });
    expect(row.steps[1].error).toMatch(new RegExp(`not provisioned: the policy stack of account ${NEW} failed`));
    // not provisioned: no assignment and no reserved role there; the other accounts are untouched
    const arn = await devArn();
    expect(await idc.assignments(instanceArn, arn, NEW)).toEqual([]);
    expect((await idc.reservedRoles(NEW)).size).toBe(0);
    for (const account of [A, W1, W2]) expect(await idc.assignments(instanceArn, arn, account)).toEqual([`GROUP ${developers}`]);
  });

  test('RETRY: once the hand-made policy is gone, the retry creates it and then provisions the account', async () => {
    await idc.deletePolicy(NEW, 'Prism-TeamRead');
    run(['retry', 'TeamRead'], 0);
    const row = (rollouts(clone, env, 'TeamRead').latest as any[]).find((x) => x.account === NEW);
    expect(row.steps.map((s: any) => `${s.step} ${s.status}`)).toEqual(['policy SUCCESS', 'provision SUCCESS']);
    expect(row.retryOf).toBeDefined();
    expect(await idc.assignments(instanceArn, await devArn(), NEW)).toEqual([`GROUP ${developers}`]);
    expect((await idc.reservedRoles(NEW)).get('AWSReservedSSO_Dev')).toEqual(['Prism-TeamRead', 'ReadOnlyAccess']);
  });

  test('ATTACH waits entirely while one account of the permission set is not ready (it would reprovision all of them); the retry attaches it everywhere', async () => {
    const accounts = [A, W1, W2, NEW].sort();
    // ATTACH: Logs is created in each account first, then Dev references it and is reprovisioned
    change(clone, { 'policies/Logs.json': LOGS, 'permission-sets/Dev.yaml': devSet(['TeamRead', 'Logs']) });
    const p = preview();
    expect(p.policies.map((x: any) => `${x.name} ${x.change} ${x.accounts.length} ${x.reprovisionedAccounts}`)).toEqual(['Logs create 4 4']);
    expect(p.identityCenter.reprovisioned).toEqual({ Dev: accounts });
    // a hand-made Prism-Logs in W1 fails W1's policy stack; Dev is provisioned to W1, so no account gets the change
    await iam.createPolicy(W1, 'Prism-Logs', doc({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }));
    const base = mergeWorkingTree(clone, 'merge: Dev gets Logs');
    // a tolerance that lets every account start (at concurrency 2, W1's quick failure would otherwise stop the rest)
    expect(run(['apply', '--base', base, '--failure-tolerance', '4']).code).toBe(1);
    const held = rollouts(clone, env, 'Logs').latest as any[];
    expect(held.map((r) => `${r.account} ${r.event} ${r.status} ${r.steps.map((x: any) => `${x.step}:${x.status}`).join(' ')}`).sort()).toEqual(
      accounts.map((a) => `${a} CREATE FAILED ${a === W1 ? 'policy:FAILED' : 'policy:SUCCESS'} provision:FAILED`),
    );
    expect(held.find((r) => r.account === A).steps[1].error).toMatch(new RegExp(`^held back: permission set\\(s\\) Dev are also provisioned to account\\(s\\) ${W1}`));
    expect((await idc.permissionSets(instanceArn)).get('Dev')!.customerManagedPolicies).toEqual(['/Prism-TeamRead']);
    for (const account of accounts) expect((await idc.reservedRoles(account)).get('AWSReservedSSO_Dev')).toEqual(['Prism-TeamRead', 'ReadOnlyAccess']);

    // fixed by hand; the retry creates Prism-Logs in W1, then Dev references it and reprovisions every account
    await idc.deletePolicy(W1, 'Prism-Logs');
    run(['retry', 'Logs'], 0);
    expect(brief(rollouts(clone, env, 'Logs').latest)).toEqual(accounts.map((a) => `${a} CREATE SUCCESS`));
    expect((await idc.permissionSets(instanceArn)).get('Dev')!.customerManagedPolicies).toEqual(['/Prism-Logs', '/Prism-TeamRead']);
    for (const account of accounts) expect((await idc.reservedRoles(account)).get('AWSReservedSSO_Dev')).toEqual(['Prism-Logs', 'Prism-TeamRead', 'ReadOnlyAccess']);
    // Dev changed, so TeamRead's rows record its reprovisioning too: held back at first, then retried
    expect(brief(rollouts(clone, env, 'TeamRead').latest)).toEqual(accounts.map((a) => `${a} ATTACH FAILED`));
    run(['retry', 'TeamRead'], 0);
    expect(brief(rollouts(clone, env, 'TeamRead').latest)).toEqual(accounts.map((a) => `${a} ATTACH SUCCESS`));
  });

  test('DETACH is a permission-set change plus reprovisioning of every account; the policy stays', async () => {
    const accounts = [A, W1, W2, NEW].sort();
    // the reference goes and every account is reprovisioned; Prism-Logs stays, attached to nothing
    const base = merge(clone, { 'permission-sets/Dev.yaml': devSet(['TeamRead']) }, 'merge: Dev drops Logs');
    run(['apply', '--base', base], 0);
    expect(brief(rollouts(clone, env, 'Logs').latest)).toEqual(accounts.map((a) => `${a} DETACH SUCCESS`));
    expect((await idc.permissionSets(instanceArn)).get('Dev')!.customerManagedPolicies).toEqual(['/Prism-TeamRead']);
    for (const account of accounts) {
      expect((await idc.reservedRoles(account)).get('AWSReservedSSO_Dev')).toEqual(['Prism-TeamRead', 'ReadOnlyAccess']);
      expect((await iam.policy(account, 'Prism-Logs'))!.attachmentCount).toBe(0);
    }
  });

  test('an account that leaves the OU loses its assignment; DELETE removes the references before the policy', async () => {
    // W2 moves out of the assigned OU
    await idc.moveAccount(W2, teams, root);
    run(['organizations', '--update'], 0);
    expect(preview().organizations.sinceLastApply).toEqual([{ unit: workloads, name: 'Workloads', joined: [], left: [W2] }]);
    let base = mergeWorkingTree(clone, 'merge: organizations.lock.json');
    run(['apply', '--base', base], 0);
    const arn = await devArn();
    expect(await idc.assignments(instanceArn, arn, W2)).toEqual([]);
    expect((await idc.reservedRoles(W2)).size).toBe(0);
    // the policy stays where it was materialised, as in roles mode
    expect(await iam.policy(W2, 'Prism-TeamRead')).toBeDefined();

    // DELETE: an Ops set in A references Logs; deleting Logs removes the reference (and reprovisions A) first,
    // or IAM would refuse the delete (the reserved role still has it attached: DeleteConflict)
    base = merge(clone, { 'permission-sets/Ops.yaml': 'customerManagedPolicies: [Logs]\n', 'assignments/ops.yaml': `permissionSet: Ops\naccounts: ["${A}"]\nprincipals:\n  - groupId: ${developers}\n` }, 'merge: Ops');
    run(['apply', '--base', base], 0);
    expect((await idc.reservedRoles(A)).get('AWSReservedSSO_Ops')).toEqual(['Prism-Logs']);
    change(clone, { 'policies/Logs.json': null, 'permission-sets/Ops.yaml': 'customerManagedPolicies: []\n' });
    base = mergeWorkingTree(clone, 'merge: delete Logs');
    run(['apply', '--base', base], 0);
    const latest = rollouts(clone, env, 'Logs').latest as any[];
    const deleted = latest.find((x) => x.account === A);
    expect(`${deleted.event} ${deleted.status}`).toBe('DELETE SUCCESS');
    expect(deleted.steps.map((s: any) => `${s.step} ${s.status}`)).toEqual(['provision SUCCESS', 'policy SUCCESS']);
    expect(await iam.policy(A, 'Prism-Logs')).toBeUndefined();
    expect((await idc.reservedRoles(A)).get('AWSReservedSSO_Ops')).toEqual([]);
    // every account that had it: deleted there too
    for (const account of [W1, W2, NEW]) expect(await iam.policy(account, 'Prism-Logs')).toBeUndefined();
  });

  test('a full plan afterwards is clean in every stack, the identity-center stack included', () => {
    run(['discover', '--all'], 0);
    run(['plan', '--all'], 0);
    const plan = JSON.parse(fs.readFileSync(path.join(clone, '.prism', 'plan.json'), 'utf8'));
    expect(plan.accounts.map((s: any) => s.account)).toContain('identity-center');
    for (const s of plan.accounts) {
      expect({ account: s.account, status: s.status, changes: s.changes.filter((c: any) => !c.actions.every((a: string) => a === 'no-op' || a === 'read')) }).toEqual({ account: s.account, status: 'planned', changes: [] });
    }
  });
});
