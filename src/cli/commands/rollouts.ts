import { closestMatch } from '../../core/suggest';
import { knownPolicies, rolloutStatus } from '../../pipeline/rollouts';
import { TerminalReporter } from '../terminal';
import { oneOf, policyArgument, repoDir } from '../args';
import { defineCommand } from '../command';
import { DIR } from '../flags';

/** `prism rollouts`. */
export const command = defineCommand({
  name: 'rollouts',
  summary: "a policy's rollout status per account, from the ledger",
  usage: ['rollouts <policy> [--format text|markdown|json] [--all]'],
  description: `The rollout status of a policy: summary chips from the latest rollout in each account
("N success · N pending · N failed"), then Account | Event | Status | Error | Started. Reads the
ledger branch (fetched first, so it shows the latest runs).`,
  flags: {
    dir: DIR,
    format: { type: 'string', value: 'FMT', description: 'text (default), markdown or json' },
    all: { type: 'boolean', description: 'the whole history, newest first, instead of the latest per account' },
  },
  positional: { name: 'policy', description: 'the CMP, as its file is named' },
  examples: [
    { command: 'rollouts DataLakeRead', description: 'the latest rollout of DataLakeRead in each account' },
    { command: 'rollouts DataLakeRead --all --format json', description: 'its whole history, for programs' },
  ],
  exitCodes: ['0 shown (or nothing recorded)', '2 usage error'],
  async run({ flags, positionals }, io) {
    const format = oneOf('format', flags.format, ['text', 'json', 'markdown'] as const, 'text');
    const policy = policyArgument(positionals[0]);
    const dir = repoDir(flags.dir);
    const reporter = new TerminalReporter('rollouts', io);
    const status = await rolloutStatus({ dir, policy, all: flags.all, format: format === 'markdown' ? 'markdown' : 'text', reporter });
    if (!status) {
      const guess = closestMatch(policy, await knownPolicies({ dir, reporter }));
      io.stderr(`rollouts: no rollouts recorded for ${policy}${guess ? `; did you mean ${guess}?` : ''}\n`);
      return guess ? 2 : 0;
    }
    if (format === 'json') io.stdout(JSON.stringify({ policy, summary: status.summary, latest: status.latest, ...(flags.all ? { history: status.history } : {}) }, null, 2) + '\n');
    else io.stdout(status.table + '\n');
    return 0;
  },
});
