/**
 * The Terraform rows of `npm run bench`: real `prism plan` over 100 accounts and `prism apply` over
 * 20 against moto's AWS emulator, each next to the naive baseline measured in the same run (each
 * account gets a fresh `terraform init` with no plugin cache, then plan or apply, one account at a
 * time), and the per-account floor: one `terraform plan` in an initialised working directory. Each
 * figure is one run (a run takes minutes); peak memory is that of the whole process tree, terraform
 * and its provider plugins included.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { E2E_REGION, e2eEnv, findTools, Moto } from '../testing/emulator';
import { generateTerraformFleet, writeGenerated } from './generate';
import { runMeasured, TreeRun } from './process-tree';
import type { Row } from './run';

/** Accounts planned (the workload), and the first of them applied. */
const PLAN_ACCOUNTS = Number(process.env.PRISM_BENCH_PLAN_ACCOUNTS ?? 100);
const APPLY_ACCOUNTS = Math.min(20, PLAN_ACCOUNTS);
/** Terraform processes at once: one per core. */
const CONCURRENCY = 2;
/** Accounts the floor is measured on (median). */
const FLOOR_SAMPLES = 5;
const PRISM = path.join(__dirname, '..', '..', 'bin', 'prism.js');

/** Fresh copies of some synthesised stacks, at the same depth so their state paths resolve the same. */
function freshStacks(repo: string, label: string, accounts: number): string[] {
  const from = path.join(repo, 'cdktf.out', 'stacks');
  const to = path.join(repo, label, 'stacks');
  fs.rmSync(path.join(repo, label), { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  return fs
    .readdirSync(from)
    .sort()
    .slice(0, accounts)
    .map((name) => {
      fs.mkdirSync(path.join(to, name));
      fs.copyFileSync(path.join(from, name, 'cdk.tf.json'), path.join(to, name, 'cdk.tf.json'));
      return path.join(to, name);
    });
}

const accountOf = (stackDir: string) => path.basename(stackDir).replace('account-', '');
const planArgs = (account: string) => ['plan', '-input=false', '-json', '-out=tfplan', `-var=assume_role_arn=arn:aws:iam::${account}:role/PrismPlan`];

/** The naive way: per account, a fresh init with no plugin cache, then `step`, one account at a time. */
async function naive(stacks: string[], env: NodeJS.ProcessEnv, terraform: string, step: (account: string) => string[]): Promise<TreeRun> {
  const plain = { ...env, TF_PLUGIN_CACHE_DIR: '', TF_IN_AUTOMATION: '1' };
  let ms = 0;
  let peakMb = 0;
  for (const dir of stacks) {
    for (const args of [['init', '-input=false', '-no-color'], step(accountOf(dir))]) {
      const r = await runMeasured(terraform, args, dir, plain);
      if (r.code !== 0) throw new Error(`naive terraform ${args[0]} in ${accountOf(dir)} failed: ${r.stderr.slice(-2000)}`);
      ms += r.ms;
      peakMb = Math.max(peakMb, r.peakMb);
    }
  }
  return { ms, peakMb, code: 0, stderr: '' };
}

async function prismRun(repo: string, env: NodeJS.ProcessEnv, args: string[]): Promise<TreeRun> {
  const r = await runMeasured(process.execPath, [PRISM, ...args, '--dir', repo], repo, env);
  if (r.code !== 0) throw new Error(`prism ${args.join(' ')} failed (${r.code}): ${r.stderr.slice(-3000)}`);
  return r;
}

/** Starts a provider executable in debug mode; resolves with TF_REATTACH_PROVIDERS, the time it took to be ready, and a stop function. */
function startDebugProvider(binary: string, env: NodeJS.ProcessEnv): Promise<{ reattach: string; ms: number; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(binary, ['-debug'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.on('exit', (code) => reject(new Error(`provider exited (${code}) before it was ready`)));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /TF_REATTACH_PROVIDERS='(\{.*\})'/.exec(out);
      if (m) resolve({ reattach: m[1], ms: Number(process.hrtime.bigint() - start) / 1e6, stop: () => child.kill('SIGKILL') });
    });
  });
}

/** The provider executable `terraform init` installed in a working directory. */
function installedProvider(stackDir: string): string {
  const found = fs.readdirSync(path.join(stackDir, '.terraform', 'providers'), { recursive: true, encoding: 'utf8' }).filter((f) => /terraform-provider-aws[^/]*$/.test(f));
  if (found.length !== 1) throw new Error(`expected one AWS provider in ${stackDir}, found ${found.length}`);
  return path.join(stackDir, '.terraform', 'providers', found[0]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The per-account floor, on working directories the naive run initialised: one `terraform plan`
 * (Terraform starts the provider itself), the same plan attached to a provider already running, and
 * the provider's own start until it is ready. Medians over FLOOR_SAMPLES accounts, one at a time.
 */
async function floor(stacks: string[], env: NodeJS.ProcessEnv, terraform: string): Promise<{ plan: TreeRun; attached: number; providerStart: number }> {
  const plans: TreeRun[] = [];
  const attached: number[] = [];
  const starts: number[] = [];
  const plain = { ...env, TF_PLUGIN_CACHE_DIR: '', TF_IN_AUTOMATION: '1' };
  for (const dir of stacks.slice(0, FLOOR_SAMPLES)) {
    const r = await runMeasured(terraform, planArgs(accountOf(dir)), dir, plain);
    if (r.code !== 0) throw new Error(`terraform plan in ${dir} failed: ${r.stderr.slice(-2000)}`);
    plans.push(r);
    const provider = await startDebugProvider(installedProvider(dir), { ...plain, TF_LOG_PROVIDER: 'off', TF_LOG_SDK: 'off' });
    starts.push(provider.ms);
    try {
      const a = await runMeasured(terraform, planArgs(accountOf(dir)), dir, { ...plain, TF_REATTACH_PROVIDERS: provider.reattach });
      if (a.code !== 0) throw new Error(`attached terraform plan in ${dir} failed: ${a.stderr.slice(-2000)}`);
      attached.push(a.ms);
    } finally {
      provider.stop();
    }
  }
  plans.sort((a, b) => a.ms - b.ms);
  return { plan: plans[Math.floor(plans.length / 2)], attached: median(attached), providerStart: median(starts) };
}

const perAccount = (ms: number, accounts: number) => `${(ms / accounts / 1000).toFixed(2)} s/account`;

/** The Terraform section; skipped, with a line saying why, when terraform, the provider or moto is missing. */
export async function benchTerraform(tmp: string): Promise<Row[]> {
  const { tools, missing } = findTools();
  if (!tools) {
    console.error(`bench: terraform rows skipped; missing: ${missing.join('; ')}`);
    return [];
  }
  const repo = path.join(tmp, 'terraform-fleet');
  const settings = { region: E2E_REGION, terraform: { ...(tools.providerVersion ? { providerVersion: tools.providerVersion } : {}), concurrency: CONCURRENCY } };
  writeGenerated(repo, generateTerraformFleet(PLAN_ACCOUNTS, settings));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@prism.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@prism.invalid' } });
  git('init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(repo, '.gitignore'), 'cdktf.out/\n.prism/\nterraform-state/\nnaive/\n.terraform-plugin-cache/\n');
  git('add', '.gitignore', 'cdktf.json');
  git('commit', '-q', '-m', 'empty', '--no-gpg-sign');
  const empty = git('rev-parse', 'HEAD').toString().trim();
  git('add', '-A');
  git('commit', '-q', '-m', 'fleet', '--no-gpg-sign');

  const moto = await Moto.start(tools.python);
  try {
    const env = { ...process.env, ...e2eEnv(tools, moto, tmp), TF_PLUGIN_CACHE_DIR: path.join(repo, '.terraform-plugin-cache') };
    execFileSync(process.execPath, [PRISM, 'synth', '--dir', repo, '--quiet'], { env, stdio: 'pipe' });

    console.error(`bench: naive plan, ${PLAN_ACCOUNTS} accounts one at a time (fresh init, no plugin cache)`);
    const naiveStacks = freshStacks(repo, 'naive', PLAN_ACCOUNTS);
    const naivePlan = await naive(naiveStacks, env, tools.terraform, planArgs);
    console.error(`bench: per-account floor, ${FLOOR_SAMPLES} accounts: terraform plan in an initialised working directory, alone and attached to a running provider`);
    const f = await floor(naiveStacks, env, tools.terraform);
    console.error(`bench: prism plan --all, ${PLAN_ACCOUNTS} accounts, first run (cold plugin cache, no kept working data)`);
    const cold = await prismRun(repo, env, ['plan', '--all']);
    console.error(`bench: prism plan --all again (working data kept)`);
    const warm = await prismRun(repo, env, ['plan', '--all']);

    // apply: the first APPLY_ACCOUNTS accounts, from nothing
    const applied = fs.readdirSync(path.join(repo, 'cdktf.out', 'stacks')).sort().slice(0, APPLY_ACCOUNTS).map((n) => n.replace('account-', ''));
    console.error(`bench: naive apply, ${APPLY_ACCOUNTS} accounts one at a time`);
    const naiveApply = await naive(freshStacks(repo, 'naive', APPLY_ACCOUNTS), env, tools.terraform, () => ['apply', '-input=false', '-json', '-auto-approve']);
    await moto.reset();
    fs.rmSync(path.join(repo, 'terraform-state'), { recursive: true, force: true });
    console.error(`bench: prism apply, ${APPLY_ACCOUNTS} accounts (creating everything)`);
    const apply = await prismRun(repo, env, ['apply', '--base', empty, '--no-ledger', '--accounts', applied.join(',')]);
    // the first plan after that apply: Terraform sees the attachments it made as drift on the roles and policies, so an edit to a drifted policy needs show -json
    const edited = path.join(repo, 'policies', 'T0.json');
    const doc = JSON.parse(fs.readFileSync(edited, 'utf8'));
    doc.Statement[0].Sid = 'EditedForTheBench';
    fs.writeFileSync(edited, JSON.stringify(doc, null, 2));
    console.error(`bench: prism plan of an edit in the ${APPLY_ACCOUNTS} applied accounts (drift from the apply: show -json needed)`);
    const afterApply = await prismRun(repo, env, ['plan', '--base', 'HEAD', '--accounts', applied.join(',')]);
    const summaries = JSON.parse(fs.readFileSync(path.join(repo, '.prism', 'plan.json'), 'utf8')) as { accounts: { status: string; changes: { actions: string[] }[] }[] };
    const updates = summaries.accounts.filter((a) => a.status === 'planned' && a.changes.some((c) => c.actions.includes('update'))).length;

    const mem = (r: TreeRun) => ({ ms: r.ms, maxRssMb: r.peakMb });
    const laneMb = 1200;
    const bound = CONCURRENCY * laneMb + 300;
    const vsNaive = { name: 'naive init + plan, sequential', m: mem(naivePlan) };
    const faster = (r: TreeRun) => naivePlan.ms / r.ms;
    const planRow = (name: string, r: TreeRun): Row => ({
      name,
      m: mem(r),
      baseline: vsNaive,
      target: `>= 3x faster than naive (${faster(r).toFixed(1)}x); peak <= ${bound} MB (${CONCURRENCY} lanes); ${perAccount(r.ms, PLAN_ACCOUNTS)}, floor ${perAccount(f.plan.ms, 1)}`,
      ok: faster(r) >= 3 && r.peakMb <= bound,
    });
    return [
      planRow(`prism plan: ${PLAN_ACCOUNTS} accounts, real terraform against moto, first run`, cold),
      planRow(`prism plan: ${PLAN_ACCOUNTS} accounts, again (working data kept)`, warm),
      {
        name: `per-account floor: one terraform plan, initialised, one at a time (median of ${FLOOR_SAMPLES})`,
        m: mem(f.plan),
        baseline: { name: 'the same plan attached to a running provider', m: { ms: f.attached, maxRssMb: NaN } },
        target: `(floor) provider start-up and verification ${((f.plan.ms - f.attached) / 1000).toFixed(2)} s of it; a provider alone starts in ${(f.providerStart / 1000).toFixed(2)} s`,
        ok: true,
      },
      {
        name: `prism plan of an edit after an apply: ${APPLY_ACCOUNTS} accounts, ${updates} with an update (show -json where drifted)`,
        m: mem(afterApply),
        target: `(informational) ${perAccount(afterApply.ms, APPLY_ACCOUNTS)}`,
        ok: updates === APPLY_ACCOUNTS,
      },
      {
        name: `prism apply: ${APPLY_ACCOUNTS} accounts, real terraform against moto`,
        m: mem(apply),
        baseline: { name: 'naive init + apply, sequential', m: mem(naiveApply) },
        target: `(informational) ${perAccount(apply.ms, APPLY_ACCOUNTS)}; naive ${perAccount(naiveApply.ms, APPLY_ACCOUNTS)}`,
        ok: true,
      },
    ];
  } finally {
    await moto.stop();
  }
}
