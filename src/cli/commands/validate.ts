import { hasErrors } from '../../core/diagnostics';
import { renderValidation, validate } from '../../pipeline/validate';
import { oneOf, repoDir } from '../args';
import { defineCommand } from '../command';
import { DIR, QUIET } from '../flags';
import { paintFor } from '../terminal';

/** `prism validate`. */
export const command = defineCommand({
  name: 'validate',
  summary: 'check policies, permission sets, assignments and settings',
  usage: ['validate [--dir DIR] [--format text|json|github] [--quiet]'],
  description: `Checks every file in policies/, permission-sets/, assignments/ and the settings in cdktf.json,
and reports every problem at once with its file, line and column. --format text ends each file with a
one-line summary and the run with totals; --format json carries the counts. Without --dir, the
repository is the current folder or the nearest folder above it with policies/, permission-sets/
or assignments/.`,
  flags: {
    quiet: { ...QUIET, description: 'errors only, then the totals: no warnings, notes or per-file summaries' },
    dir: DIR,
    format: { type: 'string', value: 'FMT', description: 'text (default), json, or github (workflow commands: annotations on the pull request)' },
  },
  examples: [
    { command: 'validate', description: 'check the repository in the current folder' },
    { command: 'validate --format github', description: 'in a workflow: every problem becomes an annotation on the diff' },
    { command: 'validate --quiet', description: 'a large library: only the errors, and the totals' },
  ],
  exitCodes: ['0 no errors (warnings and notes allowed)', '1 errors', '2 usage error'],
  async run({ flags }, io) {
    const format = oneOf('format', flags.format, ['text', 'json', 'github'] as const, 'text');
    const outcome = validate({ dir: repoDir(flags.dir) });
    io.stdout(renderValidation(outcome, format, { quiet: flags.quiet, paint: paintFor(io.terminal?.stdout ?? { color: false }) }));
    return hasErrors(outcome.diagnostics) ? 1 : 0;
  },
});
