import * as fs from 'node:fs';
import * as path from 'node:path';
import { usageError } from '../../core/errors';
import { roleArnFor } from '../../core/settings';
import { MAX_MATRIX_JOBS, shardAccounts } from '../../plan/shards';
import { stackName } from '../../synth/addresses';
import { info, parseAccountList, parseFlags, refuseOnErrors, wholeNumber } from '../args';
import { loadChange } from '../change-context';
import { Progress } from '../progress';

export const PLAN_HELP = `prism plan (--base REF | --all) [--accounts ID,ID] [--out FILE] [--concurrency N] [--terraform BIN] [--refresh-only] [--dir DIR]

Synthesises the stacks of the accounts the change from REF affects, then, for each, runs
terraform init, terraform plan -json -out=tfplan (assuming the read-only plan role) and
terraform show -json tfplan, with bounded concurrency and one shared provider plugin cache.
Writes the per-account summaries that prism preview merges (default: <dir>/.prism/plan.json).

  --terraform BIN   terraform or tofu (default: settings terraform.binary; PRISM_TERRAFORM overrides)
  --concurrency N   stacks planned at once (default: settings terraform.concurrency)
  --all             every account, not only those a change affects (with --refresh-only: the drift check)
  --refresh-only    plan only what changed outside Terraform (the drift check)
  --shards N        do not plan: print a GitHub Actions matrix {"include":[{"shard":0,"accounts":"id,..."}]}
                    splitting the affected accounts into at most N shards (also written to $GITHUB_OUTPUT
                    as matrix=...); each shard job then runs prism plan --accounts <its accounts> --out <file>
  TF_PLUGIN_CACHE_DIR is respected; otherwise <dir>/.terraform-plugin-cache.

Exit codes: 0 every account planned; 1 a plan failed (recorded in the file) or the repository has
errors; 2 usage.`;

/** Prints the dynamic matrix for sharded plan or apply jobs (and sets `matrix` in $GITHUB_OUTPUT). */
export function printMatrix(accounts: readonly string[], shardsFlag: string): number {
  const n = Number(shardsFlag);
  if (!Number.isInteger(n) || n < 1 || n > MAX_MATRIX_JOBS) throw usageError(`--shards is ${shardsFlag}; expected a whole number from 1 to ${MAX_MATRIX_JOBS} (GitHub's matrix limit)`);
  const matrix = JSON.stringify({ include: shardAccounts(accounts, n) });
  process.stdout.write(matrix + '\n');
  if (process.env.GITHUB_OUTPUT) fs.appendFileSync(process.env.GITHUB_OUTPUT, `matrix=${matrix}\n`);
  info(`${accounts.length} account(s) in ${Math.min(n, accounts.length)} shard(s)`);
  return 0;
}

/** `prism plan`. */
export async function planCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    dir: { type: 'string' },
    base: { type: 'string' },
    accounts: { type: 'string' },
    out: { type: 'string' },
    concurrency: { type: 'string' },
    terraform: { type: 'string' },
    'refresh-only': { type: 'boolean' },
    shards: { type: 'string' },
    all: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(PLAN_HELP + '\n');
    return 0;
  }
  if (!values.base && !values.all) throw usageError('prism plan needs --base REF (the accounts a change affects) or --all');
  const dir = path.resolve(values.dir ?? '.');
  const ctx = await loadChange({ dir, base: values.base ?? 'HEAD', all: values.all });
  if (refuseOnErrors(ctx.head.diagnostics, 'plan', 'nothing was planned')) return 1;
  const settings = ctx.head.documents.settings;
  const concurrency = wholeNumber('concurrency', values.concurrency, settings.terraform.concurrency, 1);
  const only = parseAccountList(values.accounts);
  const accounts = [...ctx.headModel.accounts.keys()].filter((a) => !only || only.includes(a));
  if (values.shards !== undefined) return printMatrix(accounts, values.shards);

  // synthesise exactly the stacks to plan
  const { synthesizeStacks } = await import('../../synth/synthesize');
  const outDir = path.join(dir, 'cdktf.out');
  const model = { ...ctx.headModel, accounts: new Map([...ctx.headModel.accounts].filter(([a]) => accounts.includes(a))) };
  await synthesizeStacks(model, { outDir, repoRoot: dir });

  const { planStack, pluginCacheDir, terraformBinary } = await import('../../adapters/terraform/terraform');
  const { mapPool } = await import('../../adapters/pool');
  const runner = { binary: terraformBinary(values.terraform, settings.terraform.binary), pluginCacheDir: pluginCacheDir(dir, settings.terraform.pluginCache) };
  const progress = new Progress('plan');
  let done = 0;
  const summaries = await mapPool(accounts, concurrency, async (account) => {
    const s = await planStack(runner, account, path.join(outDir, 'stacks', stackName(account)), {
      roleArn: roleArnFor(settings.planRole, account),
      refreshOnly: values['refresh-only'],
    });
    if (s.status === 'failed') info(`plan: account ${account} failed: ${s.diagnostics.map((d) => d.summary).join('; ')}`);
    progress.update(++done, accounts.length, 'accounts');
    return s;
  });
  const out = path.resolve(values.out ?? path.join(dir, '.prism', 'plan.json'));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(`${out}.tmp`, JSON.stringify({ version: 1, base: ctx.baseCommit, accounts: summaries }, null, 2) + '\n');
  fs.renameSync(`${out}.tmp`, out);
  const failed = summaries.filter((s) => s.status === 'failed').length;
  info(`planned ${summaries.length - failed} of ${summaries.length} account(s)${failed ? `; ${failed} failed` : ''} -> ${path.relative(process.cwd(), out) || out}`);
  return failed ? 1 : 0;
}
