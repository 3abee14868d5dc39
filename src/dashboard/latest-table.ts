import { ROLLOUT_EVENTS, ROLLOUT_STATUSES } from '../model/rollout';
import { RolloutAggregate, RolloutView, StatusCounts, WaveInfo } from './aggregate';
import { EVENT_CODE, STATUS_CODE } from './fold';
import { AccountsSource } from './render';

/**
 * Every policy's latest rollout in every account, as plain data: what the account pages need of
 * the aggregate (about 26 bytes per policy and account, plus each policy's waves), and nothing a
 * worker thread cannot receive (typed arrays, strings, plain objects).
 */
export interface LatestTableData {
  readonly accounts: readonly string[];
  readonly policies: readonly string[];
  /** Per policy, its waves (`WaveInfo`, by index in the aggregate). */
  readonly waves: readonly (readonly WaveInfo[])[];
  readonly errors: readonly string[];
  /** Row-major [policy][account]: the wave index of the latest rollout, -1 when none. */
  readonly wave: Int32Array;
  readonly status: Uint8Array;
  readonly event: Uint8Array;
  readonly start: Float64Array;
  readonly end: Float64Array;
  /** Index into `errors`, -1 for none. */
  readonly error: Int32Array;
}

/** The account pages' view of the ledger, from `LatestTable.of(aggregate)`: answers as the aggregate does. */
export class LatestTable implements AccountsSource {
  private readonly accountIdx: Map<string, number>;

  constructor(private readonly d: LatestTableData) {
    this.accountIdx = new Map(d.accounts.map((a, i) => [a, i]));
  }

  /** The table of an aggregate. */
  static of(agg: RolloutAggregate): LatestTableData {
    const accounts = agg.accounts();
    const policies = agg.policyNames();
    const n = policies.length * accounts.length;
    const d = { accounts, policies, waves: [] as WaveInfo[][], errors: [] as string[], wave: new Int32Array(n).fill(-1), status: new Uint8Array(n), event: new Uint8Array(n), start: new Float64Array(n), end: new Float64Array(n), error: new Int32Array(n).fill(-1) };
    const errorIdx = new Map<string, number>();
    policies.forEach((name, p) => {
      const rollouts = agg.policy(name)!;
      const waves = rollouts.waves();
      d.waves.push(waves);
      const index = new Map(waves.map((w, i) => [w, i]));
      for (const rollout of rollouts.latestPerAccount()) {
        const k = p * accounts.length + agg.accountIndexOf(rollout.account);
        d.wave[k] = index.get(rollout.wave)!;
        d.status[k] = STATUS_CODE[rollout.status];
        d.event[k] = EVENT_CODE[rollout.event];
        d.start[k] = rollout.startedAt;
        d.end[k] = rollout.endedAt;
        if (rollout.error !== undefined) {
          let e = errorIdx.get(rollout.error);
          if (e === undefined) {
            errorIdx.set(rollout.error, (e = d.errors.length));
            d.errors.push(rollout.error);
          }
          d.error[k] = e;
        }
      }
    });
    return d;
  }

  policyNames(): string[] {
    return [...this.d.policies];
  }

  accounts(): string[] {
    return [...this.d.accounts];
  }

  waveCount(policy: string): number {
    const p = this.d.policies.indexOf(policy);
    return p === -1 ? 0 : this.d.waves[p].length;
  }

  latestInAccount(account: string): { policy: string; rollout: RolloutView }[] {
    const a = this.accountIdx.get(account);
    if (a === undefined) return [];
    const d = this.d;
    const out: { policy: string; rollout: RolloutView }[] = [];
    d.policies.forEach((policy, p) => {
      const k = p * d.accounts.length + a;
      if (d.wave[k] === -1) return;
      const err = d.error[k];
      out.push({ policy, rollout: { account, event: ROLLOUT_EVENTS[d.event[k]], status: ROLLOUT_STATUSES[d.status[k]], error: err >= 0 ? d.errors[err] : undefined, startedAt: d.start[k], endedAt: d.end[k], wave: d.waves[p][d.wave[k]] } });
    });
    return out;
  }

  countsInAccount(account: string): { counts: StatusCounts; policies: number } {
    const counts: StatusCounts = { SUCCESS: 0, PENDING: 0, FAILED: 0 };
    let policies = 0;
    const a = this.accountIdx.get(account);
    if (a === undefined) return { counts, policies };
    const d = this.d;
    for (let p = 0; p < d.policies.length; p++) {
      const k = p * d.accounts.length + a;
      if (d.wave[k] === -1) continue;
      counts[ROLLOUT_STATUSES[d.status[k]]]++;
      policies++;
    }
    return { counts, policies };
  }
}
