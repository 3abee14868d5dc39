/**
 * Faults, produced for real: an account whose role already exists outside Prism (EntityAlreadyExists),
 * a terraform apply killed with SIGKILL mid-run, an init that cannot find the provider version, a
 * plan whose import target no longer exists, and a run that died leaving PENDING rows. Each failure
 * stays in its own account; the others go on.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LedgerStore } from '../../src/adapters/git/ledger-store';
import { remoteAndClone } from '../helpers/git';
import { Iam } from './aws';
import { describeE2e, e2eEnv, E2E_REGION, Moto, terraformSettings } from './harness';
import { brief, merge, prism, prismAsync, rollouts } from './prism';

const A = '444444444444';
const B = '555555555555';
const C = '666666666666';

const s3Read = (bucket: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] });

/** Processes (pid) whose command line contains every word and whose working directory ends with `cwdSuffix` (Linux /proc). */
function findProcesses(words: string[], cwdSuffix: string): number[] {
  const out: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!words.every((w) => cmd.includes(w))) continue;
      if (fs.readlinkSync(`/proc/${pid}/cwd`).endsWith(cwdSuffix)) out.push(Number(pid));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

// a guard against a hang, not a timed assertion: a step runs terraform in several accounts
jest.setTimeout(20 * 60_000);

describeE2e('faults, one account at a time, against real terraform and moto', (tools) => {
  let moto: Moto;
  let iam: Iam;
  let env: NodeJS.ProcessEnv;
  let clone: string;
  const settings = (extra: Record<string, unknown> = {}) => ({ app: 'node bin/prism.js synth', context: { prism: { region: E2E_REGION, terraform: terraformSettings(tools, extra) } } });

  beforeAll(async () => {
    moto = await Moto.start(tools.python);
    iam = new Iam(moto);
    env = e2eEnv(tools, moto, fs.mkdtempSync(path.join(os.tmpdir(), 'prism-e2e-')));
    ({ clone } = remoteAndClone({
      'cdktf.json': settings({ concurrency: 3 }),
      'policies/README.md': 'Policies.\n',
      'permission-sets/Dev.yaml': 'customerManagedPolicies: []\n',
      'assignments/dev.yaml': `permissionSet: Dev\naccounts: ["${A}", "${B}", "${C}"]\n`,
      '.gitignore': 'cdktf.out/\n.prism/\nterraform-state/\n',
    }));
  }, 60_000);

  afterAll(async () => {
    iam?.close();
    await moto?.stop();
  });

  test('EntityAlreadyExists in one account and a SIGKILLed terraform in another fail alone; the third succeeds', async () => {
    // someone made a role with Prism's name in B, outside Prism
    await iam.createRole(B, 'Prism-Dev');
    const base = merge(clone, { 'policies/S3Read.json': s3Read('acme-one'), 'permission-sets/Dev.yaml': 'customerManagedPolicies: [S3Read]\n' });
    const run = prismAsync(clone, env, ['apply', '--base', base, '--failure-tolerance', '5']);
    // kill C's terraform apply as soon as it runs
    let killed = 0;
    const deadline = Date.now() + 120_000;
    while (!killed && Date.now() < deadline) {
      for (const pid of findProcesses(['apply', '-json'], `account-${C}`)) {
        process.kill(pid, 'SIGKILL');
        killed = pid;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    const r = await run.done;
    expect(killed).toBeGreaterThan(0);
    expect(r.code).toBe(1);
    const { latest } = rollouts(clone, env, 'S3Read');
    expect(brief(latest)).toEqual([`${A} CREATE SUCCESS`, `${B} CREATE FAILED`, `${C} CREATE FAILED`]);
    expect(latest.find((x) => x.account === B)!.error).toMatch(/EntityAlreadyExists/);
    expect(latest.find((x) => x.account === C)!.error).toBe('interrupted: terraform was killed');
    expect((await iam.policy(A, 'Prism-S3Read'))?.tags['Prism:Managed']).toBe('true');
    expect(await iam.attachedTo(A, 'Prism-Dev')).toEqual(['Prism-S3Read']);
  });

  test('rows a dead run left PENDING become FAILED "interrupted" on the next run', async () => {
    // a run that pushed its PENDING rows to the ledger branch three hours ago, then died before settling them
    const startedAt = new Date(Date.now() - 3 * 3600_000).toISOString();
    const stale = { id: 'dead-1', runId: 'dead', policy: 'S3Read', account: A, event: 'EDIT' as const, status: 'PENDING' as const, startedAt, commit: 'c0ffee' };
    await (await LedgerStore.open({ repoDir: clone })).run('dead', startedAt).append([stale], 'a run that died');
    const base = merge(clone, { 'policies/S3Read.json': s3Read('acme-edited') });
    prism(clone, env, ['apply', '--base', base, '--failure-tolerance', '5'], 1); // B still has the outside role
    const row = rollouts(clone, env, 'S3Read').history.find((x) => x.id === 'dead-1')!;
    expect(row).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/^interrupted/) });
  });

  test('a plan whose import target is gone fails in that account only; the preview shows it', () => {
    // a new policy, and a stale discovery file that says it already exists in C, where terraform will not find it
    const discovery = { version: 1, generatedAt: new Date().toISOString(), accounts: { [C]: { status: 'ok', policies: { Fresh: { state: 'managed', arn: Iam.policyArn(C, 'Prism-Gone') } } } } };
    fs.mkdirSync(path.join(clone, '.prism'), { recursive: true });
    fs.writeFileSync(path.join(clone, '.prism', 'discovery.json'), JSON.stringify(discovery));
    fs.writeFileSync(path.join(clone, 'policies', 'Fresh.json'), JSON.stringify(s3Read('acme-two')));
    fs.writeFileSync(path.join(clone, 'permission-sets', 'Dev.yaml'), 'customerManagedPolicies: [S3Read, Fresh]\n');
    const plan = prism(clone, env, ['plan', '--base', 'HEAD'], 1);
    expect(plan.stderr).toMatch(new RegExp(`^plan: ${C}: FAILED: Cannot import non-existent remote object in [\\d.]+m?s$`, 'm'));
    const summaries = JSON.parse(fs.readFileSync(path.join(clone, '.prism', 'plan.json'), 'utf8')).accounts;
    expect(summaries.map((s: { account: string; status: string }) => `${s.account} ${s.status}`).sort()).toEqual([`${A} planned`, `${B} planned`, `${C} failed`]);
    expect(summaries.find((s: { account: string }) => s.account === C).diagnostics[0].summary).toMatch(/Cannot import non-existent remote object/);
    const preview = prism(clone, env, ['preview', '--base', 'HEAD'], 1);
    expect(preview.stdout).toContain('Terraform plan failed in 1 account(s)');
    expect(preview.stdout).toContain(`${C}: Cannot import non-existent remote object`);
    fs.rmSync(path.join(clone, '.prism', 'discovery.json'));
    fs.rmSync(path.join(clone, 'policies', 'Fresh.json'));
    fs.writeFileSync(path.join(clone, 'permission-sets', 'Dev.yaml'), 'customerManagedPolicies: [S3Read]\n');
  });

  test('an init that cannot install the provider fails the account; past the tolerance, no new account starts', () => {
    const base = merge(clone, { 'cdktf.json': settings({ concurrency: 1, providerVersion: '1.0.0' }), 'policies/S3Read.json': s3Read('acme-three') });
    const r = prism(clone, env, ['apply', '--base', base], 1);
    expect(r.stderr).toMatch(/not started/);
    const { latest } = rollouts(clone, env, 'S3Read');
    const failedInit = latest.filter((x) => /terraform init failed/.test(x.error ?? ''));
    const notStarted = latest.filter((x) => /^not started/.test(x.error ?? ''));
    expect(failedInit).toHaveLength(1);
    expect(failedInit[0].error).toMatch(/1\.0\.0/);
    expect(notStarted).toHaveLength(2);
    expect(latest.every((x) => x.status === 'FAILED' && x.event === 'EDIT')).toBe(true);
  });
});
