import { usageError } from '../../core/errors';
import { discover } from '../../pipeline/discover';
import { accountList, oneOf, repoDir, wholeNumber } from '../args';
import { defineCommand } from '../command';
import { ACCOUNTS, BASE, DIR, QUIET } from '../flags';
import { printRefusal, shown } from '../output';
import { TerminalReporter } from '../terminal';

/** `prism discover`. */
export const command = defineCommand({
  name: 'discover',
  summary: 'look up what each AWS account holds: adoption, drift, delete pre-checks',
  usage: ['discover (--base REF | --all) [--accounts ID,ID] [--out FILE] [--role plan|deploy] [--concurrency N] [--strict] [--dir DIR] [--quiet]'],
  description: `Looks up, in each AWS account, what Prism is about to manage: for every CMP the account needs,
whether Prism-<name> is absent (it will be created), tagged Prism:Managed=true (Prism owns it), or
untagged (it will be adopted, and the adoption time is recorded once); whether its live default
version was edited outside Prism (drift); and, for CMPs being deleted, what else they are attached to.
Credentials come from the standard AWS chain (OIDC in CI) and are never printed.`,
  flags: {
    quiet: QUIET,
    dir: DIR,
    base: { ...BASE, description: 'only the accounts and CMPs that the change from REF to the working tree touches' },
    all: { type: 'boolean', description: 'every account and every CMP it needs' },
    accounts: ACCOUNTS,
    out: { type: 'string', value: 'FILE', description: 'results file, written atomically (default: <dir>/.prism/discovery.json)' },
    role: { type: 'string', value: 'ROLE', description: 'plan (default, read-only) or deploy: which settings role to assume' },
    concurrency: { type: 'string', value: 'N', description: 'accounts looked up at once (default 8)' },
    strict: { type: 'boolean', description: 'exit 1 when any account could not be looked up' },
  },
  examples: [
    { command: 'discover --base origin/main', description: 'before planning a pull request: only what it touches' },
    { command: 'discover --all --strict', description: 'the scheduled drift check: everything, failing on an unreachable account' },
  ],
  exitCodes: ['0 done (accounts that failed are recorded in the file)', '1 with --strict and a failed account, or the repository has errors', '2 usage error'],
  async run({ flags }, io) {
    if (!flags.base && !flags.all) throw usageError('prism discover needs --base REF (what the change touches) or --all (everything)');
    const reporter = new TerminalReporter('discover', io, { quiet: flags.quiet });
    const outcome = await discover({
      dir: repoDir(flags.dir),
      base: flags.base,
      all: flags.all,
      accounts: accountList('accounts', flags.accounts),
      out: flags.out,
      role: oneOf('role', flags.role, ['plan', 'deploy'] as const, 'plan'),
      concurrency: wholeNumber('concurrency', flags.concurrency, 8, 1, 64),
      reporter,
    });
    if (outcome.kind === 'refused') return printRefusal(io, 'discover', outcome);
    const c = outcome.counts;
    reporter.info(`discovered ${outcome.accounts} account(s): ${c.absent} to create, ${c.managed} managed, ${c.unmanaged} to adopt, ${c.conflict} in conflict (same name, other path), ${c.drift} drifted, ${c.foreign} with non-Prism attachments, ${c.failed} account(s) failed -> ${shown(outcome.file)}`);
    return flags.strict && c.failed > 0 ? 1 : 0;
  },
});
