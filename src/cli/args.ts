import { parseArgs, ParseArgsConfig } from 'node:util';
import { Diagnostic, formatDiagnosticText, hasErrors } from '../core/diagnostics';
import { usageError } from '../core/errors';

/** Parses a command's flags; unknown flags and missing values are usage errors (exit 2). */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (err) {
    throw usageError((err as Error).message.split('\n')[0]);
  }
}

/** Checks that a flag has one of the allowed values. */
export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw usageError(`--${flag} is ${JSON.stringify(value)}; expected one of ${allowed.join(', ')}`);
  return value as T;
}

/** Reads a whole-number flag of at least `min` (and at most `max`, when given). */
export function wholeNumber(flag: string, value: string | undefined, fallback: number, min = 0, max = Infinity): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw usageError(`--${flag} is ${value}; expected a whole number ${max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`}`);
  }
  return n;
}

/** Splits a comma-separated account list and checks each ID. */
export function parseAccountList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of ids) if (!/^[0-9]{12}$/.test(id)) throw usageError(`--accounts contains ${JSON.stringify(id)}; expected 12-digit account IDs separated by commas`);
  return ids;
}

/** Writes a line to stderr: progress and summaries that are not the command's data. */
export function info(line: string): void {
  process.stderr.write(line + '\n');
}

/**
 * When the repository has errors, prints them to stderr with a line saying that `command` did
 * nothing, and returns true; the caller then exits 1.
 */
export function refuseOnErrors(diagnostics: readonly Diagnostic[], command: string, consequence = 'nothing was done'): boolean {
  if (!hasErrors(diagnostics)) return false;
  for (const d of diagnostics.filter((x) => x.severity === 'error')) process.stderr.write(formatDiagnosticText(d) + '\n');
  process.stderr.write(`prism ${command}: the repository has errors; ${consequence}. Run prism validate for details.\n`);
  return true;
}
