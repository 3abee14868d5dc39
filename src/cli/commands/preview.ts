import { usageError } from '../../core/errors';
import { preview } from '../../pipeline/preview';
import { oneOf, repoDir, wholeNumber } from '../args';
import { defineCommand } from '../command';
import { BASE, DIR, DISCOVERY, QUIET } from '../flags';
import { shown } from '../output';
import { TerminalReporter } from '../terminal';

/** `prism preview`. */
export const command = defineCommand({
  name: 'preview',
  summary: 'the propagation preview of a change, as markdown or JSON, posted on the PR',
  usage: ['preview --base REF [--head REF] [--format markdown|json] [--post] [--labels] [--pr N] [--repo OWNER/NAME]', '        [--discovery FILE] [--plan FILE]... [--confirm-delete NAME]... [--out FILE] [--dir DIR] [--quiet]'],
  description: `The propagation preview: what a change does to every policy in every account, in the product's
words. Reads the repository at --base and at --head (default: the working tree) with git, never
touching the working tree. Merges discovery results and Terraform plans when present (with
Terraform's counts per policy and account). The header names the head and base commits, the time,
the workflow run and the fingerprint of the reviewed files, which apply checks. A head that does not
validate leads with its errors and shows nothing computed from it. The full preview always goes to
--out; $GITHUB_STEP_SUMMARY gets what fits in GitHub's 1 MiB.`,
  flags: {
    quiet: QUIET,
    dir: DIR,
    base: { ...BASE, required: true, description: 'the commit the pull request goes into' },
    head: { type: 'string', value: 'REF', description: 'the commit under review (default: the working tree)' },
    format: { type: 'string', value: 'FMT', description: 'markdown (default) or json ({"policies":[{"name","change","accounts","permissionSets"}],...})' },
    post: { type: 'boolean', description: 'create or update the one preview comment on the pull request (GITHUB_TOKEN); skipped for a fork\'s pull request' },
    labels: { type: 'boolean', description: 'with --post: set the result labels prism:breaking, prism:delete-pending, prism:plan-failed, prism:invalid' },
    pr: { type: 'string', value: 'N', description: 'the pull request (default: from the Actions event)' },
    repo: { type: 'string', value: 'OWNER/NAME', description: 'the repository (default: GITHUB_REPOSITORY)' },
    discovery: DISCOVERY,
    plan: { type: 'string', multiple: true, value: 'FILE', description: 'plan summaries from prism plan, one per shard job (default: <dir>/.prism/plan.json and <dir>/.prism/plan-<N>.json when present)' },
    'confirm-delete': { type: 'string', multiple: true, value: 'NAME', description: 'confirm deleting policy NAME (also: PR label prism:delete:NAME, or a description line "Prism-Confirm-Delete: NAME")' },
    out: { type: 'string', value: 'FILE', description: 'the full preview (default: <dir>/.prism/preview.md)' },
  },
  examples: [
    { command: 'preview --base main', description: 'what your uncommitted change would do, as markdown' },
    { command: 'preview --base origin/main --head HEAD --format json', description: 'the committed change, for programs' },
    { command: 'preview --base "$BASE_SHA" --plan plan-0.json --plan plan-1.json --post --labels', description: 'in the workflow: merge the shard plans, post the comment and set the result labels' },
  ],
  exitCodes: ['0 ok', '1 validation errors, an unconfirmed delete or a failed plan (the check fails)', '2 usage error', '3 git or GitHub failed'],
  async run({ flags }, io) {
    if (flags.labels && !flags.post) throw usageError('--labels sets labels on the pull request: use it with --post');
    const format = oneOf('format', flags.format, ['markdown', 'json'] as const, 'markdown');
    const reporter = new TerminalReporter('preview', io, { quiet: flags.quiet });
    const outcome = await preview({
      dir: repoDir(flags.dir),
      base: flags.base!,
      head: flags.head,
      discoveryFile: flags.discovery,
      planFiles: flags.plan,
      confirmDeletes: flags['confirm-delete'],
      out: flags.out,
      post: flags.post ? { pr: wholeNumber('pr', flags.pr, undefined, 1), repo: flags.repo, labels: flags.labels } : undefined,
      reporter,
    });
    io.stdout((format === 'json' ? JSON.stringify(outcome.json, null, 2) : outcome.markdown) + '\n');
    if (outcome.posted) reporter.info(`preview: ${outcome.posted.action} comment ${outcome.posted.id} on ${outcome.posted.where}${outcome.posted.trimmed ? ` (trimmed to fit; full text in ${shown(outcome.file)})` : ''}`);
    if (outcome.posted?.labels) reporter.info(`preview: labels ${[...outcome.posted.labels.added.map((l) => '+' + l), ...outcome.posted.labels.removed.map((l) => '-' + l)].join(' ') || 'unchanged'}`);
    if (outcome.notPosted) reporter.info(`preview: ${outcome.notPosted}`);
    for (const f of outcome.failures) reporter.alert(`preview: ${f}`);
    return outcome.failures.length ? 1 : 0;
  },
});
