import { usageError } from '../../core/errors';
import { failedRollouts, reportThisRun, rolloutStatus } from '../../pipeline/rollouts';
import { oneOf, policyArgument, repoDir } from '../args';
import { defineCommand } from '../command';
import { DIR, QUIET } from '../flags';
import { paintFor, TerminalReporter } from '../terminal';

/** `prism rollouts`. */
export const command = defineCommand({
  name: 'rollouts',
  summary: "a policy's rollout status per account, from the ledger",
  usage: ['rollouts <policy> [--dir DIR] [--format text|markdown|json] [--all] [--check] [--quiet]', 'rollouts --check [--dir DIR]', 'rollouts --this-run [--post] [--check] [--dir DIR]'],
  description: `The rollout status of a policy: summary chips from the latest rollout in each account
("N success · N pending · N failed"), then one row per account with a status icon, the event, the
error, when it started and how long it took, and the commit, pull request and workflow run that
applied it (links in markdown). Reads the ledger branch (fetched first, so it shows the latest runs).
--check exits 1 when the latest rollout failed in any account: of <policy>, or of every policy.
--this-run reports what the current GitHub Actions run recorded (all its shards); with --post, as a
comment on the pull request merged as the run's commit (the apply workflow's last job).`,
  flags: {
    quiet: QUIET,
    dir: DIR,
    format: { type: 'string', value: 'FMT', description: 'text (default), markdown or json' },
    all: { type: 'boolean', description: 'the whole history, newest first, instead of the latest per account' },
    check: { type: 'boolean', description: 'exit 1 when the latest rollout failed in some account (without <policy>: of any policy)' },
    'this-run': { type: 'boolean', description: 'the rollouts this GitHub Actions run recorded, as markdown (also in the job summary)' },
    post: { type: 'boolean', description: 'with --this-run: comment the report on the pull request merged as this commit (GITHUB_TOKEN)' },
  },
  positional: { name: 'policy', description: 'the CMP, as its file is named (optional with --check)', required: false },
  examples: [
    { command: 'rollouts DataLakeRead', description: 'the latest rollout of DataLakeRead in each account' },
    { command: 'rollouts DataLakeRead --all --format json', description: 'its whole history, for programs' },
    { command: 'rollouts --check', description: 'in a script or a scheduled job: fail while any policy has failed accounts' },
    { command: 'rollouts --this-run --post', description: 'the apply workflow\'s report: this run\'s rollouts, commented on the merged pull request' },
  ],
  exitCodes: ['0 shown (or nothing recorded yet for a policy of the repository)', '1 with --check: the latest rollout failed in some account (with --this-run: in this run)', '2 usage error (an unknown policy gets a "did you mean")', '3 git failed'],
  async run({ flags, positionals }, io) {
    const format = oneOf('format', flags.format, ['text', 'json', 'markdown'] as const, 'text');
    const dir = repoDir(flags.dir);
    const reporter = new TerminalReporter('rollouts', io, { quiet: flags.quiet });
    if (flags.post && !flags['this-run']) throw usageError('--post comments the report of --this-run: use them together');
    if (flags['this-run']) {
      if (positionals.length) throw usageError('--this-run reports every policy the run rolled out: give no <policy>');
      const r = await reportThisRun({ dir, post: flags.post, reporter });
      io.stdout(r.markdown + '\n');
      if (r.posted) reporter.info(`rollouts: commented on pull request #${r.posted.pullRequest}`);
      if (r.notPosted) reporter.info(`rollouts: not posted: ${r.notPosted}`);
      return flags.check && r.failedPolicies.length ? 1 : 0;
    }
    if (positionals.length === 0) {
      if (!flags.check) throw usageError('rollouts needs <policy>: the CMP, as its file is named (or --check, for every policy)');
      const r = await failedRollouts({ dir, reporter });
      if (format === 'json') io.stdout(JSON.stringify({ policies: r.policies, failed: r.failed }, null, 2) + '\n');
      else for (const f of r.failed) io.stdout(`${f.policy}: ${f.summary} (failed in ${f.failedAccounts.join(', ')}); prism retry ${f.policy}\n`);
      if (r.failed.length) reporter.alert(`rollouts: ${r.failed.length} of ${r.policies} policies have failed rollouts`);
      else reporter.info(`rollouts: no failed rollout in ${r.policies} policies`);
      return r.failed.length ? 1 : 0;
    }
    const policy = policyArgument(positionals[0]);
    const status = await rolloutStatus({ dir, policy, all: flags.all, format: format === 'markdown' ? 'markdown' : 'text', paint: format === 'text' ? paintFor(io.terminal?.stdout ?? { color: false }) : undefined, reporter });
    if (status.kind === 'none') {
      if (format === 'json') io.stdout(JSON.stringify({ policy, summary: { success: 0, pending: 0, failed: 0 }, latest: [], ...(flags.all ? { history: [] } : {}) }, null, 2) + '\n');
      reporter.info(`rollouts: no rollout of ${policy} is recorded yet; it reaches accounts when a change that uses it is merged`);
      return 0;
    }
    if (format === 'json') {
      const count = (s: string) => status.latest.filter((r) => r.status === s).length;
      io.stdout(JSON.stringify({ policy, summary: { success: count('SUCCESS'), pending: count('PENDING'), failed: count('FAILED') }, chips: status.summary, latest: status.latest, ...(flags.all ? { history: status.history } : {}) }, null, 2) + '\n');
    } else io.stdout(status.table + '\n');
    if (flags.check && status.failedAccounts.length) {
      reporter.alert(`rollouts: the latest rollout of ${policy} failed in ${status.failedAccounts.length} account(s): ${status.failedAccounts.join(', ')}`);
      io.stderr(`To retry once the cause is fixed:\n  prism retry ${policy}\n`);
      return 1;
    }
    return 0;
  },
});
