import * as path from 'node:path';
import { formatDiagnosticGithub, hasErrors } from '../../core/diagnostics';
import { loadAndValidate } from '../../validate/load-and-validate';
import { renderValidationJson, renderValidationText } from '../../validate/report';
import { oneOf, parseFlags } from '../args';

export const VALIDATE_HELP = `prism validate [--dir DIR] [--format text|json|github]

Checks every file in policies/, permission-sets/, assignments/ and the settings in cdktf.json,
and reports every problem at once with its file, line and column.

  --dir DIR       repository root (default: current directory)
  --format FMT    text (default), json, or github (workflow commands: annotations on the PR)

Exit codes: 0 no errors (warnings and notes allowed), 1 errors, 2 usage error.`;

/** `prism validate`: prints diagnostics; exit 1 when any is an error. */
export async function validateCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { dir: { type: 'string' }, format: { type: 'string' } });
  if (values.help) {
    process.stdout.write(VALIDATE_HELP + '\n');
    return 0;
  }
  const format = oneOf('format', values.format, ['text', 'json', 'github'] as const, 'text');
  const dir = path.resolve(values.dir ?? '.');
  const { diagnostics, filesChecked } = loadAndValidate(dir);
  if (format === 'json') {
    process.stdout.write(renderValidationJson(diagnostics, filesChecked));
  } else if (format === 'github') {
    for (const d of diagnostics) process.stdout.write(formatDiagnosticGithub(d) + '\n');
  } else {
    process.stdout.write(renderValidationText(diagnostics, filesChecked));
  }
  return hasErrors(diagnostics) ? 1 : 0;
}
