/** The validate use case: every problem in the repository, at once. */
import { Diagnostic } from '../core/diagnostics';
import { loadAndValidate } from '../validate/load-and-validate';

/** Validates the repository at `dir`; the diagnostics are sorted by file, line and column. */
export function validate(input: { readonly dir: string }): { readonly diagnostics: readonly Diagnostic[] } {
  return { diagnostics: loadAndValidate(input.dir).diagnostics };
}
