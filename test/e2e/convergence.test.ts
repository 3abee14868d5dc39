/**
 * No merge is ever lost. GitHub keeps one pending run per concurrency group, so when merges A, B
 * and C land while an apply runs, B's run is cancelled and C's run is given only C's diff. Apply
 * converges on what main says instead: every account whose stack differs from its watermark in the
 * ledger is applied, whatever --base says. Real terraform against moto, three merges, the middle
 * run never happening.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { remoteAndClone } from '../helpers/git';
import { Iam } from './aws';
import { describeE2e, e2eEnv, E2E_REGION, Moto, terraformSettings } from './harness';
import { brief, merge, prism, rollouts } from './prism';

// a guard against a hang, not a timed assertion: each step runs terraform in several accounts
jest.setTimeout(20 * 60_000);

const A = '777777777771';
const B = '777777777772';
const C = '777777777773';
const doc = (bucket: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] });

describeE2e('apply converges on main: a cancelled run never loses a merge', (tools) => {
  let moto: Moto;
  let iam: Iam;
  let env: NodeJS.ProcessEnv;
  let clone: string;
  const run = (args: string[], code?: number) => prism(clone, env, args, code);

  beforeAll(async () => {
    moto = await Moto.start(tools.python);
    iam = new Iam(moto);
    env = e2eEnv(tools, moto, fs.mkdtempSync(path.join(os.tmpdir(), 'prism-e2e-')));
    const files: Record<string, string | object> = {
      'cdktf.json': { app: 'node bin/prism.js synth', context: { prism: { region: E2E_REGION, terraform: terraformSettings(tools, { concurrency: 3 }) } } },
      '.gitignore': 'cdktf.out/\n.prism/\nterraform-state/\n',
    };
    for (const [account, name] of [[A, 'PA'], [B, 'PB'], [C, 'PC']]) {
      files[`policies/${name}.json`] = doc(`${name.toLowerCase()}-v1`);
      files[`permission-sets/Set${name}.yaml`] = `customerManagedPolicies: [${name}]\n`;
      files[`assignments/${name}.yaml`] = `permissionSet: Set${name}\naccounts: ["${account}"]\n`;
    }
    ({ clone } = remoteAndClone(files));
  }, 60_000);

  afterAll(async () => {
    iam?.close();
    await moto?.stop();
  });

  test('the first apply creates everything and records a watermark per account', () => {
    // the first push of main: GitHub's "before" is the all-zero SHA
    run(['apply', '--base', '0'.repeat(40)], 0);
    expect(brief(rollouts(clone, env, 'PB').latest)).toEqual([`${B} CREATE SUCCESS`]);
    // nothing differs now
    expect(run(['apply', '--base', 'HEAD'], 0).stderr).toContain('every account already holds what the repository says');
  });

  test('merges A, B, C; B\'s run is cancelled; C\'s run applies B and C', async () => {
    const beforeA = merge(clone, { 'policies/PA.json': doc('pa-v2') }, 'merge A');
    run(['apply', '--base', beforeA], 0);
    merge(clone, { 'policies/PB.json': doc('pb-v2') }, 'merge B'); // its apply run was cancelled: it never ran
    const beforeC = merge(clone, { 'policies/PC.json': doc('pc-v2') }, 'merge C');
    const r = run(['apply', '--base', beforeC], 0);
    expect(r.stderr).toContain('apply: 2 account(s), 2 rollout(s)');

    expect(JSON.parse((await iam.policy(A, 'Prism-PA'))!.documentText)).toEqual(doc('pa-v2'));
    expect(JSON.parse((await iam.policy(B, 'Prism-PB'))!.documentText)).toEqual(doc('pb-v2'));
    expect(JSON.parse((await iam.policy(C, 'Prism-PC'))!.documentText)).toEqual(doc('pc-v2'));
    expect(brief(rollouts(clone, env, 'PB').latest)).toEqual([`${B} EDIT SUCCESS`]);
    expect(brief(rollouts(clone, env, 'PC').latest)).toEqual([`${C} EDIT SUCCESS`]);
    // and A, already converged, was not touched again
    expect(rollouts(clone, env, 'PA').history.filter((x) => x.event === 'EDIT')).toHaveLength(1);
  });

  test('a failed account converges on the next apply, with no new merge', async () => {
    // an outside role with Prism's role name makes C's next apply fail
    const beforeD = merge(clone, { 'permission-sets/SetPC.yaml': 'description: changed\ncustomerManagedPolicies: [PC]\n' }, 'merge D');
    await iam.createRole(C, 'Prism-Blocker');
    merge(clone, { 'permission-sets/Blocker.yaml': 'customerManagedPolicies: [PC]\n', 'assignments/blocker.yaml': `permissionSet: Blocker\naccounts: ["${C}"]\n` }, 'merge E');
    run(['apply', '--base', beforeD], 1);
    expect(rollouts(clone, env, 'PC').latest.find((x) => x.account === C)!.status).toBe('FAILED');
    // someone removes the outside role; apply, with the same base and no new merge, brings C in line
    await iam.deleteRole(C, 'Prism-Blocker');
    run(['apply', '--base', 'HEAD'], 0);
    expect(rollouts(clone, env, 'PC').latest.find((x) => x.account === C)!.status).toBe('SUCCESS');
    expect(await iam.attachedTo(C, 'Prism-Blocker')).toEqual(['Prism-PC']);
    expect(run(['apply', '--base', 'HEAD'], 0).stderr).toContain('every account already holds what the repository says');
  });
});
