import { PlanSummary } from './plan-summary';

/** GitHub Actions runs at most 256 jobs from one matrix. */
export const MAX_MATRIX_JOBS = 256;

/** One job of a dynamic matrix: its index and its accounts. */
export interface Shard {
  readonly shard: number;
  readonly accounts: string;
}

/**
 * Splits accounts into at most `shards` balanced, contiguous groups (sorted, so the same change
 * gives the same matrix), for `strategy.matrix: ${{ fromJSON(...) }}`. Every account is in exactly
 * one shard; empty shards are dropped.
 */
export function shardAccounts(accounts: readonly string[], shards: number): Shard[] {
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_MATRIX_JOBS) throw new RangeError(`shards must be 1..${MAX_MATRIX_JOBS}, got ${shards}`);
  const sorted = [...new Set(accounts)].sort();
  const n = Math.min(shards, sorted.length);
  const out: Shard[] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const size = Math.floor(sorted.length / n) + (i < sorted.length % n ? 1 : 0);
    out.push({ shard: i, accounts: sorted.slice(start, start + size).join(',') });
    start += size;
  }
  return out;
}

/** Merges per-shard plan summaries into one list; an account planned by two shards is an error. */
export function mergePlanSummaries(lists: readonly (readonly PlanSummary[])[]): PlanSummary[] {
  const byAccount = new Map<string, PlanSummary>();
  for (const list of lists) {
    for (const s of list) {
      if (byAccount.has(s.account)) throw new Error(`account ${s.account} appears in two shard results; each account belongs to exactly one shard`);
      byAccount.set(s.account, s);
    }
  }
  return [...byAccount.values()].sort((a, b) => (a.account < b.account ? -1 : 1));
}
