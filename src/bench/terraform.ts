/**
 * The Terraform rows of `npm run bench`: real `prism plan` and `prism apply` over 20 accounts against
 * moto's AWS emulator, next to the naive baseline measured in the same run (each account gets a fresh
 * `terraform init` with no plugin cache, then plan or apply, one account at a time). Each figure is
 * one run (a run takes minutes); peak memory is that of the whole process tree, terraform and its
 * provider plugins included.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { E2E_REGION, e2eEnv, findTools, Moto } from '../testing/emulator';
import { generateTerraformFleet, writeGenerated } from './generate';
import { runMeasured, TreeRun } from './process-tree';
import type { Row } from './run';

const ACCOUNTS = 20;
const PRISM = path.join(__dirname, '..', '..', 'bin', 'prism.js');

/** Fresh copies of the synthesised stacks, at the same depth so their state paths resolve the same. */
function freshStacks(repo: string, label: string): string[] {
  const from = path.join(repo, 'cdktf.out', 'stacks');
  const to = path.join(repo, label, 'stacks');
  fs.rmSync(path.join(repo, label), { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  return fs.readdirSync(from).map((name) => {
    fs.mkdirSync(path.join(to, name));
    fs.copyFileSync(path.join(from, name, 'cdk.tf.json'), path.join(to, name, 'cdk.tf.json'));
    return path.join(to, name);
  });
}

/** The naive way: per account, a fresh init with no plugin cache, then `step`, one account at a time. */
async function naive(repo: string, env: NodeJS.ProcessEnv, terraform: string, step: (account: string) => string[]): Promise<TreeRun> {
  const stacks = freshStacks(repo, 'naive');
  const plain = { ...env, TF_PLUGIN_CACHE_DIR: '', TF_IN_AUTOMATION: '1' };
  let ms = 0;
  let peakMb = 0;
  for (const dir of stacks) {
    const account = path.basename(dir).replace('account-', '');
    for (const args of [['init', '-input=false', '-no-color'], step(account)]) {
      const r = await runMeasured(terraform, args, dir, plain);
      if (r.code !== 0) throw new Error(`naive terraform ${args[0]} in ${account} failed: ${r.stderr.slice(-2000)}`);
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

const perAccount = (r: TreeRun) => `${(r.ms / ACCOUNTS / 1000).toFixed(2)} s per account`;

/** The Terraform section; skipped, with a line saying why, when terraform, the provider or moto is missing. */
export async function benchTerraform(tmp: string): Promise<Row[]> {
  const { tools, missing } = findTools();
  if (!tools) {
    console.error(`bench: terraform rows skipped; missing: ${missing.join('; ')}`);
    return [];
  }
  const repo = path.join(tmp, 'terraform-fleet');
  const settings = { region: E2E_REGION, terraform: { ...(tools.providerVersion ? { providerVersion: tools.providerVersion } : {}), concurrency: 4 } };
  writeGenerated(repo, generateTerraformFleet(ACCOUNTS, settings));
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
    const planRole = (account: string) => `-var=assume_role_arn=arn:aws:iam::${account}:role/PrismPlan`;

    console.error(`bench: naive plan, ${ACCOUNTS} accounts one at a time (fresh init, no plugin cache)`);
    const naivePlan = await naive(repo, env, tools.terraform, (a) => ['plan', '-input=false', '-no-color', '-out=tfplan', planRole(a)]);
    console.error(`bench: prism plan --all, ${ACCOUNTS} accounts (cold plugin cache)`);
    const plan = await prismRun(repo, env, ['plan', '--all']);

    console.error(`bench: naive apply, ${ACCOUNTS} accounts one at a time`);
    const naiveApply = await naive(repo, env, tools.terraform, () => ['apply', '-input=false', '-no-color', '-auto-approve']);
    await moto.reset();
    fs.rmSync(path.join(repo, 'terraform-state'), { recursive: true, force: true });
    console.error(`bench: prism apply, ${ACCOUNTS} accounts (creating everything)`);
    const apply = await prismRun(repo, env, ['apply', '--base', empty, '--no-ledger']);

    const row = (name: string, m: TreeRun, base: TreeRun, baseName: string): Row => ({
      name,
      m: { ms: m.ms, maxRssMb: m.peakMb },
      baseline: { name: baseName, m: { ms: base.ms, maxRssMb: base.peakMb } },
      target: `(informational) ${perAccount(m)}; naive ${perAccount(base)}`,
      ok: true,
    });
    return [
      row(`prism plan: ${ACCOUNTS} accounts, real terraform against moto (init, plan, show)`, plan, naivePlan, 'naive init + plan, sequential'),
      row(`prism apply: ${ACCOUNTS} accounts, real terraform against moto`, apply, naiveApply, 'naive init + apply, sequential'),
    ];
  } finally {
    await moto.stop();
  }
}
