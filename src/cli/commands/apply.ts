import * as fs from 'node:fs';
import * as path from 'node:path';
import { usageError } from '../../core/errors';
import { MAX_MATRIX_JOBS, shardMatrix } from '../../pipeline/plan';
import { accountsToApply, apply } from '../../pipeline/rollouts';
import { accountList, fingerprintArgument, repoDir, runOptions, wholeNumber } from '../args';
import { defineCommand } from '../command';
import { ACCOUNTS, BASE, DIR, FAILURE_TOLERANCE, QUIET, RUN_FLAGS, SHARDS } from '../flags';
import { printMatrix, printRefusal, printRunOutcome } from '../output';
import { TerminalReporter } from '../terminal';

/** `prism apply`. */
export const command = defineCommand({
  name: 'apply',
  summary: 'apply the affected accounts and record each rollout in the ledger',
  usage: ['apply --base REF [--dir DIR] [--concurrency N] [--failure-tolerance N] [--plans DIR] [--pr N] [--accounts ID,ID]', '      [--terraform BIN] [--no-ledger] [--stale-after MINUTES] [--shards N] [--reviewed FINGERPRINT] [--quiet]'],
  description: `Converges every account on what the repository says: applies each account whose stack differs
from what was last applied there (its watermark in the ledger), so a cancelled or failed run never
loses a merge. Each (policy, account) is recorded as a rollout in this run's own file on the ledger
branch: PENDING before any account starts, then SUCCESS or FAILED with Terraform's error. --base is
where accounts with no watermark yet are measured from (the commit before the merge).

Before applying, it checks that it applies what was reviewed: the fingerprint of the repository's
files must equal the one the pull request's preview showed (--reviewed, or read from Prism's own
comment on the pull request with --pr). When they differ, the base moved since the preview: apply
says so, previews the merge as applied into the job summary, and records each rollout with review
"differs".`,
  flags: {
    quiet: QUIET,
    dir: DIR,
    ...RUN_FLAGS,
    base: { ...BASE, required: true, description: 'the commit before the merge: the starting point of accounts the ledger has no watermark for' },
    'failure-tolerance': { ...FAILURE_TOLERANCE, description: `${FAILURE_TOLERANCE.description}; accounts not started are recorded FAILED for retry` },
    plans: { type: 'string', value: 'DIR', description: 'reviewed plan files <DIR>/<account>.tfplan to apply instead of planning again' },
    pr: { type: 'string', value: 'N|auto', description: 'the pull request, recorded on each row and whose preview is the review; auto: the one merged as this commit (GitHub Actions, GITHUB_TOKEN)' },
    reviewed: { type: 'string', value: 'FINGERPRINT', description: 'the fingerprint the preview showed (at least its first 12 characters); default: read from the pull request\'s preview comment' },
    accounts: { ...ACCOUNTS, description: 'only these of the affected accounts (a shard job)' },
    shards: { ...SHARDS, description: `${SHARDS.description}; shard jobs write the ledger directly` },
  },
  examples: [
    { command: 'apply --base "$BEFORE_SHA" --pr 42', description: 'on merge: apply what the merge changed, recording pull request 42' },
    { command: 'apply --base HEAD~1 --no-ledger', description: 'try it locally without writing the ledger' },
    { command: 'apply --base "$BEFORE" --accounts "$ACCOUNTS" --pr auto', description: 'a shard job in the apply workflow: its accounts, checked against the merged pull request\'s preview' },
  ],
  exitCodes: ['0 every account succeeded (or none was affected)', '1 an account failed, or the repository has errors', '2 usage error', '3 git failed'],
  async run({ flags }, io) {
    if (flags.plans && !fs.existsSync(flags.plans)) throw usageError(`--plans ${flags.plans} does not exist`);
    const dir = repoDir(flags.dir);
    const accounts = accountList('accounts', flags.accounts);
    const reporter = new TerminalReporter('apply', io, { quiet: flags.quiet });
    if (flags.shards !== undefined) {
      const n = wholeNumber('shards', flags.shards, 1, 1, MAX_MATRIX_JOBS);
      const found = await accountsToApply({ dir, base: flags.base!, accounts, ledger: !flags['no-ledger'], reporter });
      if (found.kind === 'refused') return printRefusal(io, 'apply', found);
      return printMatrix(io, shardMatrix(found.accounts, n), found.accounts.length);
    }
    const outcome = await apply({
      dir,
      base: flags.base!,
      accounts,
      plansDir: flags.plans && path.resolve(flags.plans),
      failureTolerance: wholeNumber('failure-tolerance', flags['failure-tolerance'], 0),
      ...runOptions({ ...flags, pr: flags.pr === 'auto' ? undefined : flags.pr }),
      findPullRequest: flags.pr === 'auto',
      reviewed: flags.reviewed && fingerprintArgument(flags.reviewed),
      reporter,
    });
    if (outcome.kind === 'refused') return printRefusal(io, 'apply', outcome);
    if (outcome.kind === 'nothing') {
      reporter.info(`apply: ${outcome.why}; nothing to apply`);
      return 0;
    }
    return printRunOutcome(io, reporter, outcome);
  },
});
