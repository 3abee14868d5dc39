/**
 * The plan, preview, apply, rollouts, retry and drift use cases called in process, as a program (or
 * a test) calls them: no CLI, progress through a collecting Reporter, against the real terraform and
 * the moto AWS emulator.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { drift } from '../../src/pipeline/drift';
import { plan } from '../../src/pipeline/plan';
import { preview } from '../../src/pipeline/preview';
import { CollectingReporter } from '../../src/pipeline/reporter';
import { apply, retry, rolloutStatus } from '../../src/pipeline/rollouts';
import { Iam } from '../e2e/aws';
import { describeE2e, e2eEnv, E2E_REGION, Moto, terraformSettings } from '../e2e/harness';
import { change, commit, git, remoteAndClone } from '../helpers/git';

// a guard against a hang, not a timed assertion
jest.setTimeout(10 * 60_000);

const ACCOUNT = '888888888881';
const doc = (action: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

describeE2e('the run use cases in process (real terraform, moto)', (tools) => {
  let moto: Moto;
  let iam: Iam;
  let clone: string;
  const saved: NodeJS.ProcessEnv = { ...process.env };

  beforeAll(async () => {
    moto = await Moto.start(tools.python);
    iam = new Iam(moto);
    Object.assign(process.env, e2eEnv(tools, moto, fs.mkdtempSync(path.join(os.tmpdir(), 'prism-e2e-'))));
    ({ clone } = remoteAndClone({
      'cdktf.json': { context: { prism: { region: E2E_REGION, terraform: terraformSettings(tools) } } },
      'policies/Read.json': doc('s3:GetObject'),
      'permission-sets/Dev.yaml': 'customerManagedPolicies: [Read]\n',
      'assignments/dev.yaml': `permissionSet: Dev\naccounts: ["${ACCOUNT}"]\n`,
      '.gitignore': 'cdktf.out/\n.prism/\nterraform-state/\n',
    }));
  }, 60_000);

  afterAll(async () => {
    process.env = saved;
    iam?.close();
    await moto?.stop();
  });

  test('apply from nothing, reported through the reporter, then rollout status', async () => {
    const reporter = new CollectingReporter();
    const outcome = await apply({ dir: clone, base: '0'.repeat(40), reporter });
    expect(outcome.kind).toBe('applied');
    if (outcome.kind !== 'applied') return;
    expect(outcome.failedAccounts).toEqual([]);
    expect(outcome.rows.map((r) => `${r.policy} ${r.account} ${r.event} ${r.status}`)).toEqual([`Read ${ACCOUNT} CREATE SUCCESS`]);
    expect(reporter.accounts.get(ACCOUNT)).toEqual({ text: 'SUCCESS (1 rollout(s))', ok: true });
    expect(reporter.news.some((n) => n.account === ACCOUNT && /Creation complete|Creating/.test(n.text))).toBe(true);
    expect(reporter.lastProgress).toEqual({ done: 1, total: 1, unit: 'accounts' });
    const status = await rolloutStatus({ dir: clone, policy: 'Read', reporter });
    expect(status.kind === 'rollouts' && status.summary).toBe('1 success · 0 pending · 0 failed');
    expect(await apply({ dir: clone, base: 'HEAD', reporter })).toEqual({ kind: 'nothing', why: 'every account already holds what the repository says' });
    expect(await retry({ dir: clone, policy: 'Read', reporter })).toEqual({ kind: 'nothing', why: 'no failed rollout of Read' });
  });

  test('plan and preview of an edit; drift after a console edit', async () => {
    const reporter = new CollectingReporter();
    change(clone, { 'policies/Read.json': doc('s3:ListBucket') });
    const planned = await plan({ dir: clone, base: 'HEAD', reporter });
    expect(planned.kind).toBe('planned');
    if (planned.kind !== 'planned') return;
    expect(planned.failed).toEqual([]);
    expect(planned.summaries[0].changes).toContainEqual(expect.objectContaining({ address: 'aws_iam_policy.cmp_Read', actions: ['update'] }));
    const previewed = await preview({ dir: clone, base: 'HEAD', reporter });
    expect(previewed.failures).toEqual([]);
    expect(previewed.json.policies).toEqual([expect.objectContaining({ name: 'Read', change: 'edit', accounts: [ACCOUNT] })]);
    commit(clone, 'edit Read');
    git(clone, 'push', '-q', 'origin', 'main');
    await apply({ dir: clone, base: 'HEAD~1', reporter });
    expect(JSON.parse((await iam.policy(ACCOUNT, 'Prism-Read'))!.documentText)).toEqual(doc('s3:ListBucket'));

    await iam.editInConsole(ACCOUNT, 'Prism-Read', doc('s3:*'));
    const out = path.join(clone, '.prism', 'drift-plan.json');
    await plan({ dir: clone, all: true, refreshOnly: true, out, reporter });
    const report = await drift({ dir: clone, planFiles: [out] });
    expect(report.findings).toEqual([expect.objectContaining({ account: ACCOUNT, source: 'terraform' })]);
  });
});
