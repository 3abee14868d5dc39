import { drift } from '../../pipeline/drift';
import { repoDir } from '../args';
import { defineCommand } from '../command';
import { DIR, DISCOVERY, QUIET } from '../flags';
import { TerminalReporter } from '../terminal';

/** `prism drift`. */
export const command = defineCommand({
  name: 'drift',
  summary: 'report what was edited outside Prism, for the scheduled drift issue',
  usage: ['drift [--plan FILE]... [--discovery FILE] [--post] [--dir DIR] [--quiet]'],
  description: `Reports what was edited outside Prism, from refresh-only plans (prism plan --all --refresh-only)
and discovery (prism discover --all), as the markdown body of the one drift issue the scheduled
workflow keeps. Only attributes the stacks set count as drift. With --post, the issue (label
prism-drift) is opened or updated when there is drift, and closed when a check of every account
finds none; an incomplete check (an account that could not be planned or looked into) never closes it.`,
  flags: {
    quiet: QUIET,
    dir: DIR,
    plan: { type: 'string', multiple: true, value: 'FILE', description: 'refresh-only plan summaries (default: <dir>/.prism/plan.json when present)' },
    discovery: DISCOVERY,
    post: { type: 'boolean', description: 'open, update or close the drift issue in GITHUB_REPOSITORY (GITHUB_TOKEN)' },
  },
  examples: [
    { command: 'drift --plan .prism/drift-plan.json', description: 'after prism plan --all --refresh-only --out .prism/drift-plan.json and prism discover --all' },
    { command: 'drift --post', description: 'the scheduled workflow: keep the one drift issue in step with what was found' },
  ],
  exitCodes: ['0 no drift, and every account was checked', '1 drift found, or an account could not be checked', '2 usage error (nothing to compare, a missing file)', '3 GitHub failed'],
  async run({ flags }, io) {
    const reporter = new TerminalReporter('drift', io, { quiet: flags.quiet });
    const outcome = await drift({ dir: repoDir(flags.dir), planFiles: flags.plan, discoveryFile: flags.discovery, post: flags.post, reporter });
    io.stdout(outcome.markdown + '\n');
    if (outcome.issue) reporter.info(`drift: issue ${outcome.issue.action}${outcome.issue.number ? ` #${outcome.issue.number}` : ''}${outcome.issue.why ? `: ${outcome.issue.why}` : ''}`);
    if (!outcome.checkedAll) reporter.alert(`drift: not every account could be checked (${outcome.failedPlans.length} plan(s) failed, ${outcome.failedDiscovery.length} account(s) not discovered)`);
    return outcome.findings.length || !outcome.checkedAll ? 1 : 0;
  },
});
