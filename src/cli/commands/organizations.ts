import { organizations, writeOrganizationsReport } from '../../pipeline/organizations';
import { oneOf, repoDir } from '../args';
import { defineCommand } from '../command';
import { DIR } from '../flags';
import { printRefusal, shown } from '../output';
import { TerminalReporter } from '../terminal';

/** `prism organizations`. */
export const command = defineCommand({
  name: 'organizations',
  summary: 'resolve the organizational units of assignments through AWS Organizations; --update the lock',
  usage: ['organizations [--dir DIR] [--update] [--format text|markdown|json] [--out FILE]'],
  description: `Lists, through AWS Organizations, the active accounts of every organizational unit (and root)
that assignments name, including child OUs, and compares them with organizations.lock.json, the
committed resolution that synth, plan, preview and apply read. --update writes the lock when an
account joined or left an OU; it then exits 0, and in GitHub Actions sets the step output
"changed" (true or false). The scheduled prism organizations workflow runs this and opens a pull
request (or commits and applies), as StackSets' automatic deployment follows accounts.`,
  flags: {
    dir: DIR,
    update: { type: 'boolean', description: 'write organizations.lock.json when it differs from AWS Organizations' },
    format: { type: 'string', value: 'FMT', description: 'text (default), markdown (the pull request body) or json' },
    out: { type: 'string', value: 'FILE', description: 'write the report to FILE (atomically) instead of standard output' },
  },
  examples: [
    { command: 'organizations', description: 'has an account joined or left an assigned OU since the lock was written?' },
    { command: 'organizations --update --format markdown --out organizations-body.md', description: 'the scheduled workflow: update the lock and write the pull request body' },
  ],
  exitCodes: ['0 the lock matches AWS Organizations (or no assignment names an OU), or --update wrote it', '1 membership changed and the lock was not updated (no --update), or the repository has errors', '2 usage error', '3 AWS failed'],
  async run({ flags }, io) {
    const format = oneOf('format', flags.format, ['text', 'markdown', 'json'] as const, 'text');
    const reporter = new TerminalReporter('organizations', io);
    const outcome = await organizations({ dir: repoDir(flags.dir), update: flags.update, reporter });
    if (outcome.kind === 'refused') return printRefusal(io, 'organizations', outcome);
    if (outcome.kind === 'none') {
      reporter.info(`organizations: ${outcome.why}`);
      return 0;
    }
    let report: string;
    if (format === 'json') report = JSON.stringify({ stale: outcome.stale, changes: outcome.changes, added: outcome.added, removed: outcome.removed, organizationalUnits: outcome.live.organizationalUnits, written: outcome.written ?? null }, null, 2) + '\n';
    else if (format === 'markdown') report = outcome.markdown + '\n';
    else {
      report = '';
      for (const c of outcome.changes) report += `${c.unit}${c.name ? ` (${c.name})` : ''}:${c.joined.length ? ` joined ${c.joined.join(', ')}` : ''}${c.left.length ? ` left ${c.left.join(', ')}` : ''}\n`;
      for (const u of outcome.added) report += `${u}: not in the lock yet\n`;
      for (const u of outcome.removed) report += `${u}: in the lock, named by no assignment\n`;
    }
    if (flags.out !== undefined) writeOrganizationsReport(flags.out, report);
    else io.stdout(report);
    reporter.info(`organizations: ${outcome.units.length} organizational unit(s); ${outcome.stale ? (outcome.written ? `membership changed -> ${shown(outcome.written)}` : 'membership changed since the lock was written (prism organizations --update)') : 'the lock is up to date'}`);
    return outcome.stale && !outcome.written ? 1 : 0;
  },
});
