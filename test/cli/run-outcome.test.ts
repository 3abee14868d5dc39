/** The one-line result of apply and retry: each account counted once, the identity-center stack named on its own. */
import { printRunOutcome } from '../../src/cli/output';
import { TerminalReporter } from '../../src/cli/terminal';
import { RunOutcome } from '../../src/pipeline/rollouts';

function print(outcome: Partial<RunOutcome>): { code: number; stderr: string } {
  let stderr = '';
  const io = { stdout: () => undefined, stderr: (t: string) => void (stderr += t) };
  const full: RunOutcome = { kind: 'applied', accounts: [], rows: [], failedAccounts: [], skippedAccounts: [], failedPolicies: [], tables: [], ...outcome };
  const code = printRunOutcome(io, new TerminalReporter('apply', io), full);
  return { code, stderr };
}

describe('the result line of a run', () => {
  test('an account not started is not also counted as failed', () => {
    const r = print({ accounts: ['111111111111', '222222222222', '333333333333', '444444444444'], failedAccounts: ['222222222222', '333333333333', '444444444444'], skippedAccounts: ['333333333333', '444444444444'], failedPolicies: ['Logs'] });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('applied 1 of 4 account(s); 1 failed, 2 not started (failure tolerance)');
    expect(r.stderr).toContain('  prism retry Logs\n');
  });

  test('a failed identity-center stack is named, not counted as an account', () => {
    const r = print({ accounts: ['111111111111'], failedAccounts: ['identity-center'] });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('applied 1 of 1 account(s); 0 failed; the identity-center stack failed');
  });

  test('every account applied', () => {
    const r = print({ accounts: ['111111111111', '222222222222'] });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('applied 2 of 2 account(s); 0 failed');
  });
});
