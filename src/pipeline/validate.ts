/** The validate use case: every problem in the repository, at once, and its report in each format. */
import { Diagnostic, formatDiagnosticGithub } from '../core/diagnostics';
import { loadAndValidate } from '../validate/load-and-validate';
import { renderValidationJson, renderValidationText } from '../validate/report';

/** What validation found. */
export interface ValidateOutcome {
  /** Sorted by file, line and column. */
  readonly diagnostics: readonly Diagnostic[];
  readonly filesChecked: number;
}

/** Validates the repository at `dir`. */
export function validate(input: { readonly dir: string }): ValidateOutcome {
  const { diagnostics, filesChecked } = loadAndValidate(input.dir);
  return { diagnostics, filesChecked };
}

/** The report: text (a line per problem, a summary per file, totals), JSON (with counts) or GitHub workflow commands. */
export function renderValidation(outcome: ValidateOutcome, format: 'text' | 'json' | 'github'): string {
  if (format === 'json') return renderValidationJson(outcome.diagnostics, outcome.filesChecked);
  if (format === 'github') return outcome.diagnostics.map((d) => formatDiagnosticGithub(d) + '\n').join('');
  return renderValidationText(outcome.diagnostics, outcome.filesChecked);
}
