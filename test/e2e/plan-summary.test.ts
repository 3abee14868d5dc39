/**
 * The plan summary from Terraform's streamed UI (no `terraform show -json`) against the one from show
 * -json, on real plans of real changes: for every plan, the stream either gives exactly show -json's
 * summary or declines (and Prism runs show -json). The cases where it must give it (create, update,
 * delete, import, no change) and where it must decline (an edit to a drifted resource, a replacement)
 * are checked too, so the comparison is never vacuous. Then `prism plan`'s provider processes: one
 * per account, gone when prism is done, and gone when prism is killed.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initStack, runTerraform, TerraformRunner } from '../../src/adapters/terraform/runner';
import { summarizePlan } from '../../src/adapters/terraform/plan-json';
import { configuredResources, summarizePlanStream } from '../../src/adapters/terraform/plan-stream';
import { diagnosticsFromUi, parseUiStream } from '../../src/adapters/terraform/ui-stream';
import { PlanSummary } from '../../src/model/terraform';
import { PRISM_BIN } from '../helpers/cli';
import { writeFiles, writeRepo } from '../helpers/repo';
import { commit, git } from '../helpers/git';
import { Iam } from './aws';
import { describeE2e, e2eEnv, E2E_REGION, Moto, terraformSettings } from './harness';
import { prism } from './prism';

const X = '777777777777';
const Y = '888888888888';
const doc = (action: string) => ({ Version: '2012-10-17', Statement: [{ Sid: 'S', Effect: 'Allow', Action: action, Resource: '*' }] });

jest.setTimeout(20 * 60_000);

describeE2e('the plan summary from the streamed UI, and attached provider processes', (tools) => {
  let moto: Moto;
  let iam: Iam;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  let runner: TerraformRunner;
  const stack = () => path.join(dir, 'cdktf.out', 'stacks', `account-${X}`);
  const settings = (extra: object = {}) => ({ app: 'node bin/prism.js synth', context: { prism: { region: E2E_REGION, terraform: terraformSettings(tools), ...extra } } });

  /** Synthesises, plans X with Terraform starting its provider, and returns both summaries (the stream's may be undefined). */
  async function plan(): Promise<{ stream: PlanSummary | undefined; show: PlanSummary }> {
    prism(dir, env, ['synth', '--accounts', X], 0);
    expect((await initStack(runner, stack())).code).toBe(0);
    const p = await runTerraform(runner, stack(), ['plan', '-input=false', '-json', '-out=tfplan', `-var=assume_role_arn=arn:aws:iam::${X}:role/PrismPlan`]);
    expect(p.code).toBe(0);
    const s = await runTerraform(runner, stack(), ['show', '-json', 'tfplan']);
    expect(s.code).toBe(0);
    const messages = parseUiStream(p.stdout);
    const diagnostics = diagnosticsFromUi(messages);
    const stackJson = JSON.parse(fs.readFileSync(path.join(stack(), 'cdk.tf.json'), 'utf8'));
    const stream = summarizePlanStream(X, messages, configuredResources(stackJson), diagnostics);
    const show = summarizePlan(X, s.stdout, diagnostics);
    // THE property: whenever the stream gives a summary, it is show -json's, key for key
    if (stream) expect(JSON.stringify(stream)).toBe(JSON.stringify(show));
    return { stream, show };
  }

  /** Synthesises X and applies it (Terraform plans and applies in one command). */
  async function apply(...extra: string[]): Promise<void> {
    prism(dir, env, ['synth', '--accounts', X], 0);
    expect((await initStack(runner, stack())).code).toBe(0);
    const r = await runTerraform(runner, stack(), ['apply', '-input=false', '-auto-approve', '-no-color', ...extra]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }
  const actions = (s: PlanSummary) => Object.fromEntries(s.changes.filter((c) => c.actions[0] !== 'no-op' || c.importing !== undefined).map((c) => [c.address, c.actions.join(',') + (c.importing !== undefined ? ' importing' : '')]));

  beforeAll(async () => {
    moto = await Moto.start(tools.python);
    iam = new Iam(moto);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-e2e-'));
    env = e2eEnv(tools, moto, work);
    dir = writeRepo({
      'cdktf.json': settings(),
      'policies/A.json': doc('s3:GetObject'),
      'policies/B.json': doc('logs:GetLogEvents'),
      'permission-sets/Dev.yaml': 'awsManagedPolicies: [ReadOnlyAccess]\ncustomerManagedPolicies: [A, B]\ninlinePolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "ssm:StartSession", Resource: "*"}]}\n',
      'permission-sets/Ops.yaml': 'customerManagedPolicies: [B]\n',
      'assignments/all.yaml': `permissionSet: Dev\naccounts: ["${X}", "${Y}"]\n`,
      'assignments/ops.yaml': `permissionSet: Ops\naccounts: ["${X}", "${Y}"]\n`,
      '.gitignore': 'cdktf.out/\n.prism/\nterraform-state/\n',
    });
    git(dir, 'init', '-q', '-b', 'main');
    commit(dir, 'organisation');
    runner = { binary: tools.terraform, pluginCacheDir: env.TF_PLUGIN_CACHE_DIR, env, dataRoot: path.join(dir, '.prism', 'terraform') };
  }, 60_000);

  afterAll(async () => {
    iam?.close();
    await moto?.stop();
  });

  test('create, no change, and an edit once the state is in step: the stream gives the summary', async () => {
    const created = await plan();
    expect(created.stream).toBeDefined();
    expect(Object.values(actions(created.show)).every((a) => a === 'create')).toBe(true);
    await apply();
    // Terraform now sees the attachments it made as drift on the policies and roles (attachment_count,
    // managed_policy_arns): the stack sets neither, and the plan changes nothing
    const unchanged = await plan();
    expect(unchanged.stream).toBeDefined();
    expect(actions(unchanged.show)).toEqual({});
    expect(unchanged.show.drift).toEqual([]);
    await apply('-refresh-only');
    writeFiles(dir, { 'policies/A.json': doc('s3:GetObjectVersion') });
    const edited = await plan();
    expect(edited.stream).toBeDefined();
    expect(actions(edited.show)).toEqual({ 'aws_iam_policy.cmp_A': 'update' });
  });

  test('an edit to a resource that drifted: the stream declines, show -json decides which attributes', async () => {
    await apply(); // the edit above; its attachments' drift is not refreshed into the state
    writeFiles(dir, { 'permission-sets/Ops.yaml': 'customerManagedPolicies: [A, B]\n' });
    await apply();
    writeFiles(dir, { 'policies/A.json': doc('s3:ListBucket') });
    const edited = await plan();
    expect(actions(edited.show)).toEqual({ 'aws_iam_policy.cmp_A': 'update' });
    expect(edited.stream).toBeUndefined();
    // the drift was attachment_count, which the stack does not set
    expect(edited.show.drift).toEqual([]);
    await apply();
    await apply('-refresh-only');
  });

  test('a delete, and an import of an untagged policy found by discovery: the stream gives the summary', async () => {
    // B leaves the library (deleted, with its attachments); C exists in X outside Prism and is adopted
    // (with Prism's description: IAM cannot change a description, so another one would replace it)
    await iam.createPolicy(X, 'Prism-C', doc('sqs:ListQueues'), { description: 'Managed by Prism' });
    fs.rmSync(path.join(dir, 'policies', 'B.json'));
    writeFiles(dir, {
      'policies/C.json': doc('sqs:GetQueueUrl'),
      'permission-sets/Ops.yaml': 'customerManagedPolicies: [A, C]\n',
      'permission-sets/Dev.yaml': 'awsManagedPolicies: [ReadOnlyAccess]\ncustomerManagedPolicies: [A]\ninlinePolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "ssm:StartSession", Resource: "*"}]}\n',
      '.prism/discovery.json': { version: 1, generatedAt: '2026-11-01T00:00:00Z', accounts: { [X]: { status: 'ok', policies: { C: { state: 'unmanaged', arn: `arn:aws:iam::${X}:policy/Prism-C` } } } } },
    });
    const changed = await plan();
    expect(changed.stream).toBeDefined();
    expect(actions(changed.show)).toEqual({
      'aws_iam_policy.cmp_B': 'delete',
      'aws_iam_policy.cmp_C': 'update importing',
      'aws_iam_role_policy_attachment.role_Dev__cmp_B': 'delete',
      'aws_iam_role_policy_attachment.role_Ops__cmp_B': 'delete',
      'aws_iam_role_policy_attachment.role_Ops__cmp_C': 'create',
    });
    expect(changed.show.changes.find((c) => c.address === 'aws_iam_policy.cmp_B')?.actionReason).toBe('delete_because_no_resource_config');
  });

  test('a replacement: the stream declines', async () => {
    // D exists outside Prism with another description, which IAM cannot change: adopting it replaces it
    await iam.createPolicy(X, 'Prism-D', doc('sqs:ListQueues'), { description: 'made by hand' });
    const discovery = JSON.parse(fs.readFileSync(path.join(dir, '.prism', 'discovery.json'), 'utf8'));
    discovery.accounts[X].policies.D = { state: 'unmanaged', arn: `arn:aws:iam::${X}:policy/Prism-D` };
    writeFiles(dir, { 'policies/D.json': doc('sqs:GetQueueUrl'), 'permission-sets/Ops.yaml': 'customerManagedPolicies: [A, C, D]\n', '.prism/discovery.json': discovery });
    const replaced = await plan();
    expect(replaced.show.changes.find((c) => c.address === 'aws_iam_policy.cmp_D')).toMatchObject({ replace: true, importing: `arn:aws:iam::${X}:policy/Prism-D`, actionReason: 'replace_because_cannot_update' });
    expect(replaced.stream).toBeUndefined();
  });

  test('prism plan attaches one provider process per account and leaves none behind, even when killed', async () => {
    // GIVEN prism plan over both accounts
    commit(dir, 'the changes above');
    const child = spawn(process.execPath, [PRISM_BIN, 'plan', '--all', '--dir', dir], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr.resume();
    child.stdout.resume();
    const done = new Promise<number | null>((r) => child.on('close', r));
    // WHEN a provider in debug mode runs under it, prism is killed
    let providers: number[] = [];
    const deadline = Date.now() + 300_000;
    while (!providers.length && Date.now() < deadline && child.exitCode === null) {
      providers = descendants(child.pid!).filter((pid) => cmdline(pid).includes('-debug'));
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(providers.length).toBeGreaterThan(0);
    const under = descendants(child.pid!);
    child.kill('SIGKILL');
    await done;
    // THEN its provider processes exit with it (and the terraform it left, whose provider is gone, fails and exits)
    const until = Date.now() + 30_000;
    while (under.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(providers.filter(alive)).toEqual([]);
    expect(under.filter(alive).map(cmdline)).toEqual([]);

    // and a whole run plans both accounts and leaves no provider process
    const before = debugProviders();
    const r = prism(dir, env, ['plan', '--all'], 0);
    expect(r.stderr).toContain('planned 2 of 2 account(s)');
    const summaries = JSON.parse(fs.readFileSync(path.join(dir, '.prism', 'plan.json'), 'utf8')).accounts as PlanSummary[];
    expect(summaries.map((s) => `${s.account} ${s.status}`)).toEqual([`${X} planned`, `${Y} planned`]);
    expect(debugProviders().filter((p) => !before.includes(p))).toEqual([]);
  });
});

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Every process below `root` (Linux /proc). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

/** Provider processes in debug mode on this machine. */
function debugProviders(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map(Number)
    .filter((pid) => /terraform-provider-aws\S* -debug/.test(cmdline(pid)) && alive(pid));
}
