/** Printing shared by commands: refusals, diagnostics and summaries. */
import * as path from 'node:path';
import { formatDiagnosticText } from '../core/diagnostics';
import type { Refused } from '../pipeline/reporter';
import type { RunOutcome } from '../pipeline/rollouts';
import { Io } from './command';
import { paintFor, TerminalReporter } from './terminal';

/** Prints why a command did nothing (the repository has errors) and returns exit code 1. */
export function printRefusal(io: Io, command: string, refused: Refused): number {
  const paint = paintFor(io.terminal?.stderr ?? { color: false });
  for (const d of refused.errors) io.stderr(formatDiagnosticText(d, paint) + '\n');
  io.stderr(`${paint.error(`prism ${command}:`)} the repository has errors; ${refused.consequence}. Run prism validate for details.\n`);
  return 1;
}

/** A path as the user would type it: relative to the current folder when inside it. */
export function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** Prints a shard matrix (stdout) and how it splits (stderr); exit code 0. */
export function printMatrix(io: Io, m: { matrix: { include: readonly unknown[] }; json: string }, accounts: number): number {
  io.stdout(m.json + '\n');
  io.stderr(`${accounts} account(s) in ${m.matrix.include.length} shard(s)\n`);
  return 0;
}

/**
 * Prints a run's rollout tables and its one-line result, then, when rollouts failed, the exact
 * command that retries each policy. Exit code 0 only when every account succeeded.
 */
export function printRunOutcome(io: Io, reporter: TerminalReporter, outcome: RunOutcome): number {
  reporter.finish();
  for (const t of outcome.tables) io.stdout(t.text + '\n\n');
  const { accounts, failedAccounts: failed, skippedAccounts: skipped } = outcome;
  // an account not started is not also counted as failed; the identity-center stack is named on its own
  const notStarted = new Set(skipped);
  const failedStacks = failed.filter((a) => !notStarted.has(a));
  const failedAccounts = failedStacks.filter((a) => accounts.includes(a));
  const applied = accounts.filter((a) => !failed.includes(a) && !notStarted.has(a)).length;
  const other = failedStacks.filter((a) => !accounts.includes(a));
  const line = `applied ${applied} of ${accounts.length} account(s); ${failedAccounts.length} failed${notStarted.size ? `, ${notStarted.size} not started (failure tolerance)` : ''}${other.length ? `; the ${other.join(', ')} stack failed` : ''}`;
  if (failed.length || skipped.length) reporter.alert(line);
  else reporter.info(line);
  if (outcome.failedPolicies.length) {
    io.stderr(`To retry the failed rollouts once the cause is fixed (with deploy credentials, or with the prism retry workflow):\n`);
    for (const p of outcome.failedPolicies) io.stderr(`  prism retry ${p}\n`);
  }
  return failed.length || skipped.length ? 1 : 0;
}
