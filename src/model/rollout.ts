import { pairKey } from '../core/naming';

/** What a rollout did to one policy in one account. */
export type RolloutEvent = 'CREATE' | 'ADOPT' | 'EDIT' | 'ATTACH' | 'DETACH' | 'DELETE';
/** Where a rollout stands. */
export type RolloutStatus = 'PENDING' | 'SUCCESS' | 'FAILED';

/**
 * Identity-center mode: a rollout has two steps, in order. `policy`: the account's policy stack
 * (Prism-<name> created, edited, adopted or deleted). `provision`: the identity-center stack (the
 * permission sets that reference it changed, and the account provisioned or reprovisioned). A
 * delete runs them the other way round: the references go first.
 */
export interface RolloutStep {
  readonly step: 'policy' | 'provision';
  readonly status: RolloutStatus;
  readonly error?: string;
  readonly endedAt?: string;
}

export const ROLLOUT_EVENTS: readonly RolloutEvent[] = ['CREATE', 'ADOPT', 'EDIT', 'ATTACH', 'DETACH', 'DELETE'];
export const ROLLOUT_STATUSES: readonly RolloutStatus[] = ['PENDING', 'SUCCESS', 'FAILED'];

/**
 * One line of `rollouts/<policy>.jsonl`. The ledger is append-only: a rollout is written PENDING and
 * later appended again, with the same `id`, as SUCCESS or FAILED. The last line for an id wins.
 */
export interface RolloutRow {
  readonly id: string;
  readonly policy: string;
  readonly account: string;
  readonly event: RolloutEvent;
  readonly status: RolloutStatus;
  readonly error?: string;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly commit: string;
  readonly pullRequest?: number;
  readonly runUrl?: string;
  readonly permissionSets?: readonly string[];
  /** On ADOPT rows: the Prism:AdoptedAt tag value, reused by every later synth. */
  readonly adoptedAt?: string;
  /** The apply run that wrote the row. */
  readonly runId?: string;
  /** For a retry: the id of the failed rollout it re-runs. */
  readonly retryOf?: string;
  /**
   * Whether the run applied what was reviewed: `reviewed` (the repository's files are those the
   * pull request's preview showed), `differs` (the base moved since the preview), `unreviewed`
   * (no preview fingerprint: a direct push, or a pull request with no Prism comment).
   */
  readonly review?: RolloutReview;
  /** Identity-center mode: each step's outcome; `status` is FAILED when any step failed. */
  readonly steps?: readonly RolloutStep[];
}

/** Whether a run applied what was reviewed. */
export type RolloutReview = 'reviewed' | 'differs' | 'unreviewed';

/** The latest version of each rollout (last line per id), in ledger order. */
export function latestRows(rows: readonly RolloutRow[]): RolloutRow[] {
  const byId = new Map<string, RolloutRow>();
  for (const r of rows) {
    byId.delete(r.id);
    byId.set(r.id, r);
  }
  return [...byId.values()];
}

/** What the ledger says about one policy in one account. */
export interface MaterialisedPair {
  readonly policy: string;
  readonly account: string;
  readonly adoptedAt?: string;
}

/**
 * Where each policy is materialised according to the ledger: every (policy, account) pair with a
 * rollout since its last successful DELETE, whatever that rollout's status. A failed CREATE may
 * still have created the policy, so keeping the pair is the safe side: synth then keeps the policy
 * rather than risking a destroy.
 */
export function materialisedPairs(rows: readonly RolloutRow[]): Map<string, MaterialisedPair> {
  const pairs = new Map<string, MaterialisedPair>();
  for (const r of latestRows(rows)) {
    const key = pairKey(r.policy, r.account);
    if (r.event === 'DELETE' && r.status === 'SUCCESS') {
      pairs.delete(key);
      continue;
    }
    const prev = pairs.get(key);
    const adoptedAt = r.event === 'ADOPT' && r.adoptedAt ? r.adoptedAt : prev?.adoptedAt;
    pairs.set(key, { policy: r.policy, account: r.account, ...(adoptedAt ? { adoptedAt } : {}) });
  }
  return pairs;
}
