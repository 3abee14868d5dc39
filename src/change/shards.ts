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
