/** The validate use case: every problem in the repository, at once, and its report in each format. */
import { Diagnostic, formatDiagnosticGithub } from '../core/diagnostics';
import { Paint } from '../core/paint';
import { loadRepository } from './repository';
import { renderValidationJson, renderValidationText } from '../validate/report';

/** What validation found. */
export interface ValidateOutcome {
  /** Sorted by file, line and column. */
  readonly diagnostics: readonly Diagnostic[];
  readonly filesChecked: number;
}

/** Validates the repository at `dir`. */
export function validate(input: { readonly dir: string }): ValidateOutcome {
  const { diagnostics, filesChecked } = loadRepository(input.dir);
  return { diagnostics, filesChecked };
}

/**
 * The report: text (a line per problem, a summary per file, totals), JSON (with counts) or GitHub
 * workflow commands. `quiet`: errors only (text and github), and the totals.
 */
export function renderValidation(outcome: ValidateOutcome, format: 'text' | 'json' | 'github', options: { readonly quiet?: boolean; readonly paint?: Paint } = {}): string {
  if (format === 'json') return renderValidationJson(outcome.diagnostics, outcome.filesChecked);
  if (format === 'github') return outcome.diagnostics.filter((d) => !options.quiet || d.severity === 'error').map((d) => formatDiagnosticGithub(d) + '\n').join('');
  return renderValidationText(outcome.diagnostics, outcome.filesChecked, options);
}
