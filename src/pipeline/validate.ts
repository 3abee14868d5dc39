/** The validate use case: every problem in the repository, at once. */
import { Diagnostic } from '../core/diagnostics';
import { loadRepository } from './repository';

/** Validates the repository at `dir`; the diagnostics are sorted by file, line and column. */
export function validate(input: { readonly dir: string }): { readonly diagnostics: readonly Diagnostic[] } {
  return { diagnostics: loadRepository(input.dir).diagnostics };
}
