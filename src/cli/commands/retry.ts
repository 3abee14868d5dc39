import { retry } from '../../pipeline/rollouts';
import { policyArgument, repoDir, runOptions, wholeNumber } from '../args';
import { defineCommand } from '../command';
import { DIR, FAILURE_TOLERANCE, QUIET, RUN_FLAGS } from '../flags';
import { printRefusal, printRunOutcome } from '../output';
import { TerminalReporter } from '../terminal';

/** `prism retry`. */
export const command = defineCommand({
  name: 'retry',
  summary: 'retry the failed rollouts of a policy',
  usage: ['retry <policy> [--dir DIR] [--concurrency N] [--failure-tolerance N] [--terraform BIN] [--no-ledger] [--pr N] [--stale-after MINUTES] [--quiet]'],
  description: `Re-runs the most recent rollout of <policy> in every account where it FAILED, and nothing else:
each such account's stack is synthesised from the current main and applied again. The new rows
point at the failed ones (retryOf). For example, after someone detached a policy that blocked a
delete with DeleteConflict. A name that is neither a policy nor in the ledger is a usage error, with
a "did you mean".`,
  flags: {
    quiet: QUIET,
    dir: DIR,
    ...RUN_FLAGS,
    'failure-tolerance': { ...FAILURE_TOLERANCE, description: 'failed accounts tolerated before no new account starts (default: every account is retried)' },
  },
  positional: { name: 'policy', description: 'the CMP whose failed rollouts to retry, as its file is named' },
  examples: [{ command: 'retry DataLakeRead', description: 'after fixing what failed: re-run DataLakeRead in every account where its latest rollout FAILED' }],
  exitCodes: ['0 every retried account succeeded (or none had failed)', '1 an account failed again, or the repository has errors', '2 usage error (an unknown policy gets a "did you mean")', '3 git failed'],
  async run({ flags, positionals }, io) {
    const reporter = new TerminalReporter('retry', io, { quiet: flags.quiet });
    const outcome = await retry({
      dir: repoDir(flags.dir),
      policy: policyArgument(positionals[0]),
      failureTolerance: wholeNumber('failure-tolerance', flags['failure-tolerance'], undefined),
      ...runOptions(flags),
      reporter,
    });
    if (outcome.kind === 'refused') return printRefusal(io, 'retry', outcome);
    if (outcome.kind === 'nothing') {
      reporter.info(`retry: ${outcome.why}; nothing to do`);
      return 0;
    }
    return printRunOutcome(io, reporter, outcome);
  },
});
