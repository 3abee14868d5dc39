import { RolloutRow } from '../model/rollout';
import { AccountApplyOutcome } from '../model/terraform';
import { settleRows } from './rollout-events';

/** Options for `applyStacks`. */
export interface ApplyStacksOptions {
  /** Accounts applied at once. */
  readonly concurrency: number;
  /**
   * Failed accounts tolerated before no new account is started (CloudFormation StackSets'
   * FailureToleranceCount). Accounts already running finish. @default 0
   */
  readonly failureTolerance: number;
  /** Applies one account; side effects live here (terraform). */
  readonly applyAccount: (account: string) => Promise<AccountApplyOutcome>;
  readonly now: () => Date;
  readonly onSettled?: (account: string, rows: RolloutRow[], done: number, total: number) => void;
}

/** The result of applying many accounts. */
export interface ApplyStacksResult {
  /** Final rows (SUCCESS or FAILED) for every pending row given. */
  readonly rows: RolloutRow[];
  readonly failedAccounts: string[];
  /** Accounts never started because the failure tolerance was exceeded. */
  readonly skippedAccounts: string[];
  /** Identity-center mode: the identity-center stack holds everything the repository says (applied in full, or nothing to apply). */
  readonly identityCenterComplete?: boolean;
}

/**
 * Applies accounts with bounded concurrency. Accounts are isolated: each one's outcome only settles
 * its own rows, and an exception in one becomes its failure. Once more than `failureTolerance`
 * accounts have failed, no new account starts; those not started get FAILED rows ("not started") so
 * that `prism retry` picks them up.
 */
export async function applyStacks(accounts: readonly string[], pending: ReadonlyMap<string, RolloutRow[]>, options: ApplyStacksOptions): Promise<ApplyStacksResult> {
  const rows: RolloutRow[] = [];
  const failedAccounts: string[] = [];
  const skippedAccounts: string[] = [];
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < accounts.length) {
      const account = accounts[next++];
      const mine = pending.get(account) ?? [];
      let settled: RolloutRow[];
      let failed: boolean;
      if (failedAccounts.length > options.failureTolerance) {
        skippedAccounts.push(account);
        settled = mine.map((r) => ({ ...r, status: 'FAILED', error: `not started: ${failedAccounts.length} account(s) failed, more than the failure tolerance of ${options.failureTolerance}`, endedAt: options.now().toISOString() }));
        failed = false;
      } else {
        let outcome: AccountApplyOutcome;
        try {
          outcome = await options.applyAccount(account);
        } catch (err) {
          outcome = { exitCode: 1, setupError: `prism could not run the apply: ${(err as Error).message}` };
        }
        settled = settleRows(mine, outcome, options.now().toISOString());
        failed = outcome.exitCode !== 0 || outcome.setupError !== undefined || settled.some((r) => r.status === 'FAILED');
        if (failed) failedAccounts.push(account);
      }
      rows.push(...settled);
      options.onSettled?.(account, settled, ++done, accounts.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, accounts.length)) }, lane));
  return { rows, failedAccounts, skippedAccounts };
}
