import { usageError } from '../../core/errors';
import { accountsToPlan, MAX_MATRIX_JOBS, plan, shardMatrix } from '../../pipeline/plan';
import { accountList, repoDir, wholeNumber } from '../args';
import { defineCommand } from '../command';
import { ACCOUNTS, BASE, CONCURRENCY, DIR, QUIET, SHARDS, TERRAFORM } from '../flags';
import { printMatrix, printRefusal, shown } from '../output';
import { TerminalReporter } from '../terminal';

/** `prism plan`. */
export const command = defineCommand({
  name: 'plan',
  summary: 'terraform plan for every affected account stack, summarised for the preview',
  usage: ['plan (--base REF | --all) [--accounts ID,ID] [--out FILE] [--concurrency N] [--terraform BIN] [--refresh-only] [--shards N]', '     [--dir DIR] [--quiet]'],
  description: `Synthesises the stacks of the accounts the change from REF affects, then, for each, runs
terraform init, terraform plan -json -out=tfplan (assuming the read-only plan role) and
terraform show -json tfplan, with bounded concurrency and one shared provider plugin cache
(TF_PLUGIN_CACHE_DIR, else <dir>/.terraform-plugin-cache). Writes the per-account summaries that
prism preview merges. A failure in one account is that account's result; the others go on.`,
  flags: {
    quiet: QUIET,
    dir: DIR,
    base: { ...BASE, description: 'plan the accounts the change from REF to the working tree affects' },
    all: { type: 'boolean', description: 'every account, not only those a change affects (with --refresh-only: the drift check)' },
    accounts: { ...ACCOUNTS, description: 'only these of the accounts (a shard job)' },
    out: { type: 'string', value: 'FILE', description: 'plan summaries file (default: <dir>/.prism/plan.json)' },
    concurrency: CONCURRENCY,
    terraform: TERRAFORM,
    'refresh-only': { type: 'boolean', description: 'plan only what changed outside Terraform (the drift check)' },
    shards: SHARDS,
  },
  examples: [
    { command: 'plan --base origin/main', description: 'plan a pull request\'s change' },
    { command: 'plan --all --refresh-only --out .prism/drift-plan.json', description: 'the drift check over every account' },
    { command: 'plan --base origin/main --shards 8', description: 'print the matrix for 8 shard jobs; each runs plan --accounts <its accounts> --out plan-<n>.json' },
  ],
  exitCodes: ['0 every account planned', '1 a plan failed (recorded in the file) or the repository has errors', '2 usage error'],
  async run({ flags }, io) {
    if (!flags.base && !flags.all) throw usageError('prism plan needs --base REF (the accounts a change affects) or --all');
    const dir = repoDir(flags.dir);
    const accounts = accountList('accounts', flags.accounts);
    const reporter = new TerminalReporter('plan', io, { quiet: flags.quiet });
    if (flags.shards !== undefined) {
      const n = wholeNumber('shards', flags.shards, 1, 1, MAX_MATRIX_JOBS);
      const found = await accountsToPlan({ dir, base: flags.base, all: flags.all, accounts, reporter });
      if (found.kind === 'refused') return printRefusal(io, 'plan', found);
      return printMatrix(io, shardMatrix(found.accounts, n), found.accounts.length);
    }
    const outcome = await plan({
      dir,
      base: flags.base,
      all: flags.all,
      accounts,
      out: flags.out,
      concurrency: wholeNumber('concurrency', flags.concurrency, undefined, 1),
      terraform: flags.terraform,
      refreshOnly: flags['refresh-only'],
      reporter,
    });
    if (outcome.kind === 'refused') return printRefusal(io, 'plan', outcome);
    const n = outcome.summaries.length;
    reporter.info(`planned ${n - outcome.failed.length} of ${n} account(s)${outcome.failed.length ? `; ${outcome.failed.length} failed` : ''} -> ${shown(outcome.file)}`);
    return outcome.failed.length ? 1 : 0;
  },
});
