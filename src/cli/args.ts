/** Flag value parsers: each names the flag and the value expected in its usage error. */
import { usageError } from '../core/errors';
import { findRepository } from '../pipeline/find-repository';

/** Checks that a flag has one of the allowed values. */
export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw usageError(`--${flag} is ${JSON.stringify(value)}; expected one of ${allowed.join(', ')}`);
  return value as T;
}

/** Reads a whole-number flag of at least `min` (and at most `max`, when given). */
export function wholeNumber(flag: string, value: string | undefined, fallback: number, min?: number, max?: number): number;
export function wholeNumber(flag: string, value: string | undefined, fallback: undefined, min?: number, max?: number): number | undefined;
export function wholeNumber(flag: string, value: string | undefined, fallback: number | undefined, min = 0, max = Infinity): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
    throw usageError(`--${flag} is ${JSON.stringify(value)}; expected a whole number ${max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`}`);
  }
  return n;
}

/** Splits a comma-separated account list and checks each ID, naming the flag. */
export function accountList(flag: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (!ids.length) throw usageError(`--${flag} is empty; expected 12-digit account IDs separated by commas`);
  for (const id of ids) if (!/^[0-9]{12}$/.test(id)) throw usageError(`--${flag} contains ${JSON.stringify(id)}; expected 12-digit account IDs separated by commas`);
  return ids;
}

/**
 * The repository folder: --dir (which must hold a user folder), else the current folder or the
 * nearest one above it that holds policies/, permission-sets/ or assignments/. A usage error otherwise.
 */
export function repoDir(flag: string | undefined): string {
  return findRepository(flag);
}

/** The run options of apply and retry, from their shared flags. */
export function runOptions(flags: { concurrency?: string; terraform?: string; pr?: string; 'no-ledger'?: boolean; 'stale-after'?: string }): {
  concurrency?: number;
  terraform?: string;
  pullRequest?: number;
  ledger: boolean;
  staleAfterMinutes: number;
} {
  return {
    concurrency: wholeNumber('concurrency', flags.concurrency, undefined, 1),
    terraform: flags.terraform,
    pullRequest: wholeNumber('pr', flags.pr, undefined, 1),
    ledger: !flags['no-ledger'],
    staleAfterMinutes: wholeNumber('stale-after', flags['stale-after'], 120, 1),
  };
}

/** A CMP name as a command argument: IAM name characters only, so it can never name a path. */
export function policyArgument(value: string): string {
  if (!/^[A-Za-z0-9+=,.@_-]{1,122}$/.test(value)) {
    throw usageError(`${JSON.stringify(value)} is not a policy name; expected the name of a file in policies/ without .json (letters, digits and + = , . @ _ -)`);
  }
  return value;
}

/** A review fingerprint as the preview shows it: 12 to 64 hex digits. */
export function fingerprintArgument(value: string): string {
  if (!/^[0-9a-fA-F]{12,64}$/.test(value)) throw usageError(`--reviewed is ${JSON.stringify(value)}; expected the fingerprint the preview shows (12 to 64 hex digits)`);
  return value.toLowerCase();
}
