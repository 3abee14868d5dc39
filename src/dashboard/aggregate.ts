import { ROLLOUT_EVENTS, ROLLOUT_STATUSES, RolloutEvent, RolloutRow, RolloutStatus } from '../model/rollout';
import { foldRows, LedgerFold, STATUS_CODE } from './fold';
import type { AccountsSource } from './render';
import type { WaveTimes } from './svg';

/**
 * Aggregation of the rollout ledger for the dashboard.
 *
 * A ledger of 1,000 accounts x 200 policies x 10 waves holds 2,000,000 rollouts (4,000,000 lines with
 * their PENDING lines), about 1.6 GB of JSON. Rows are never kept: each ledger file is folded into
 * columns (`foldRows` in ./fold.ts), and the folds are merged here in ledger order. What stays is,
 * per wave, a few typed-array columns per rollout (account, status, event, start, end, error: 30
 * bytes), one pointer per (policy, account) to the wave holding its latest rollout, and interned
 * strings (accounts, errors, commits).
 *
 * Semantics are the model's (`latestRows`, then `latestPerAccount` in src/apply/rollout-table.ts):
 * the last line of a rollout wins, and the latest rollout of a policy in an account is the one with
 * the latest `startedAt` (a later line wins a tie). Two facts of the ledger make this foldable
 * without keeping every id: every line of a rollout carries the same `startedAt`, run and
 * permission sets, and a run has at most one rollout per (policy, account)
 * (src/apply/rollout-events.ts `planRollouts`). Property tests check the result against
 * `latestPerAccount` and `summaryChips`, and that merging per-file folds equals folding every row.
 */

/** Status counts: the summary chips. */
export interface StatusCounts {
  SUCCESS: number;
  PENDING: number;
  FAILED: number;
}

/** One rollout as the dashboard shows it. */
export interface RolloutView {
  readonly account: string;
  readonly event: RolloutEvent;
  readonly status: RolloutStatus;
  readonly error?: string;
  /** ms since the epoch; NaN when the row's startedAt is not a date. */
  readonly startedAt: number;
  /** ms since the epoch; NaN while PENDING. */
  readonly endedAt: number;
  readonly wave: WaveInfo;
}

/** A wave: one run's rollouts of one policy (one merge, or one retry). */
export interface WaveInfo {
  /** 1 for the policy's first wave, by start time. */
  readonly number: number;
  readonly runId?: string;
  readonly commit: string;
  readonly pullRequest?: number;
  readonly runUrl?: string;
  /** True when the run retried failed rollouts (its rows carry retryOf). */
  readonly retry: boolean;
  /** Earliest start; NaN when unknown. */
  readonly startedAt: number;
  /** Latest end of a settled rollout; NaN when none settled. */
  readonly endedAt: number;
  readonly counts: StatusCounts;
  readonly events: readonly RolloutEvent[];
  readonly size: number;
}

/** Grows typed-array columns by doubling. */
class Column<T extends Int32Array | Uint8Array | Float64Array> {
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  ensure(n: number): void {
    if (n <= this.data.length) return;
    const next = this.make(Math.max(n, this.data.length * 2));
    next.set(this.data as never);
    this.data = next;
  }
}

/** One wave's rollouts, as columns. */
class WaveAgg {
  size = 0;
  /** slot of each account (by account index), -1 when absent */
  readonly slotOf = new Column(new Int32Array(0), (n) => new Int32Array(n).fill(-1));
  readonly account = new Column(new Int32Array(8), (n) => new Int32Array(n));
  readonly status = new Column(new Uint8Array(8), (n) => new Uint8Array(n));
  readonly event = new Column(new Uint8Array(8), (n) => new Uint8Array(n));
  readonly start = new Column(new Float64Array(8), (n) => new Float64Array(n));
  readonly end = new Column(new Float64Array(8), (n) => new Float64Array(n));
  readonly error = new Column(new Int32Array(8), (n) => new Int32Array(n));
  retry = false;
  /** order of first appearance, for stable numbering of waves that started at the same time */
  constructor(
    readonly key: string,
    readonly seq: number,
    readonly runId: string | undefined,
    readonly commit: string,
    readonly pullRequest: number | undefined,
    readonly runUrl: string | undefined,
  ) {}

  /** Room for `n` more slots. */
  reserve(n: number): void {
    for (const c of [this.account, this.status, this.event, this.start, this.end, this.error]) c.ensure(this.size + n);
  }

  /** The slot of an account, creating it when `create`. */
  slot(accountIdx: number, create: boolean): number {
    if (accountIdx >= this.slotOf.data.length) {
      if (!create) return -1;
      this.slotOf.ensure(accountIdx + 1);
    }
    let s = this.slotOf.data[accountIdx];
    if (s === -1 && create) {
      s = this.size++;
      this.reserve(0);
      this.slotOf.data[accountIdx] = s;
      this.account.data[s] = accountIdx;
      this.start.data[s] = -Infinity;
    }
    return s;
  }
}

/** One policy's waves and its latest rollout per account. */
class PolicyAgg {
  readonly waves: WaveAgg[] = [];
  readonly waveByKey = new Map<string, number>();
  /** wave index of the latest rollout per account index, -1 when none */
  readonly latest = new Column(new Int32Array(0), (n) => new Int32Array(n).fill(-1));
  /** permission sets named by the latest-started row */
  permissionSets: readonly string[] = [];
  /** the start of the row that named them; undefined while none did */
  permissionSetsAt: number | undefined = undefined;
  constructor(readonly name: string) {}

  notePermissionSets(sets: readonly string[] | undefined, at: number): void {
    if (sets && !(this.permissionSetsAt !== undefined && at < this.permissionSetsAt)) {
      this.permissionSets = sets;
      this.permissionSetsAt = at;
    }
  }
}

/**
 * Folds the ledger into what the dashboard shows: merge each ledger file's fold (`foldRows`, or a
 * cached one), in ledger order, with `addFold`; or fold rows directly with `addAll`. Then read the
 * result.
 */
export class RolloutAggregate implements AccountsSource {
  /** account ID (as a number) -> account index */
  private readonly accountIdx = new Map<number, number>();
  private readonly accountIds: string[] = [];
  private readonly errorIdx = new Map<string, number>();
  private readonly errors: string[] = [];
  private readonly strings = new Map<string, string>();
  private readonly policies = new Map<string, PolicyAgg>();
  private readonly views = new Map<string, PolicyRollouts>();
  private waveSeq = 0;
  /** rows folded in (lines, including superseded PENDING lines) */
  lines = 0;

  /** Folds in every row of an iterable, as one ledger file. */
  addAll(rows: Iterable<RolloutRow>): this {
    return this.addFold(foldRows(rows));
  }

  /** Merges the fold of the next ledger file (files in ledger order). */
  addFold(fold: LedgerFold): this {
    this.lines += fold.lines;
    const errorAt = fold.errors.map((t) => this.internError(t));
    // the fold's waves, found or made in order of first appearance, with their slots
    const targets = fold.waves.map((fw) => {
      this.views.delete(fw.policy); // views made before are out of date
      let p = this.policies.get(fw.policy);
      if (!p) this.policies.set(fw.policy, (p = new PolicyAgg(fw.policy)));
      let wi = p.waveByKey.get(fw.key);
      if (wi === undefined) {
        wi = p.waves.length;
        p.waveByKey.set(fw.key, wi);
        p.waves.push(new WaveAgg(fw.key, this.waveSeq++, fw.runId && this.intern(fw.runId), this.intern(fw.commit), fw.pullRequest, fw.runUrl && this.intern(fw.runUrl)));
      }
      const w = p.waves[wi];
      if (fw.retry) w.retry = true;
      w.reserve(fw.size);
      const accounts = this.accountIndices(fw.account);
      const slots = new Int32Array(fw.size);
      for (let s = 0; s < fw.size; s++) slots[s] = w.slot(accounts[s], true);
      p.latest.ensure(this.accountIds.length);
      return { fw, p, wi, w, slots, accounts };
    });
    // then each slot's winning line, in the order the slots last changed in the file
    const u = fold.updates;
    for (let k = 0; k < u.length; k += 2) {
      const { fw, p, wi, w, slots, accounts } = targets[u[k]];
      const s = u[k + 1];
      const t = slots[s];
      const start = fw.start[s];
      // a later line of a rollout wins unless it started earlier
      if (start < w.start.data[t]) continue;
      w.start.data[t] = start;
      w.status.data[t] = fw.status[s];
      w.event.data[t] = fw.event[s];
      w.end.data[t] = fw.end[s];
      w.error.data[t] = fw.error[s] === -1 ? -1 : errorAt[fw.error[s]];
      // the latest rollout of the policy in the account: the latest start, a later line wins a tie
      const ai = accounts[s];
      const cur = p.latest.data[ai];
      if (cur === -1 || cur === wi) p.latest.data[ai] = wi;
      else {
        const cw = p.waves[cur];
        if (!(start < cw.start.data[cw.slot(ai, false)])) p.latest.data[ai] = wi;
      }
    }
    for (const ps of fold.permissionSets) this.policies.get(ps.policy)?.notePermissionSets(ps.sets, ps.at);
    return this;
  }

  /** The account indices of a wave's accounts; consecutive waves mostly list the same accounts in the same order: that list is reused. */
  private accountIndices(ids: Float64Array): Int32Array {
    const last = this.lastAccounts;
    if (last && last.ids.length === ids.length && last.ids.every((v, i) => v === ids[i])) return last.indices;
    const indices = new Int32Array(ids.length);
    for (let s = 0; s < ids.length; s++) indices[s] = this.accountIndex(ids[s]);
    this.lastAccounts = { ids, indices };
    return indices;
  }
  private lastAccounts?: { ids: Float64Array; indices: Int32Array };

  private accountIndex(id: number): number {
    let ai = this.accountIdx.get(id);
    if (ai === undefined) {
      ai = this.accountIds.length;
      this.accountIdx.set(id, ai);
      this.accountIds.push(String(id).padStart(12, '0'));
    }
    return ai;
  }

  private intern(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    return s;
  }

  /** An error text, already cut (`cutError`). */
  private internError(text: string): number {
    let i = this.errorIdx.get(text);
    if (i === undefined) {
      i = this.errors.length;
      this.errorIdx.set(text, i);
      this.errors.push(text);
    }
    return i;
  }

  /** Every policy name in the ledger. */
  policyNames(): string[] {
    return [...this.policies.keys()];
  }

  /** Every account in the ledger. */
  accounts(): string[] {
    return [...this.accountIds];
  }

  /** What the ledger says about one policy, or undefined when it has no rollouts. */
  policy(name: string): PolicyRollouts | undefined {
    const p = this.policies.get(name);
    if (!p) return undefined;
    let v = this.views.get(name);
    if (!v) this.views.set(name, (v = new PolicyRollouts(p, this.accountIds, this.errors)));
    return v;
  }

  /** The statuses of every policy's latest rollout in one account, and how many policies have one (what latestInAccount gives, counted). */
  countsInAccount(account: string): { counts: StatusCounts; policies: number } {
    const counts: StatusCounts = { SUCCESS: 0, PENDING: 0, FAILED: 0 };
    let policies = 0;
    const ai = this.accountIndexOf(account);
    if (ai === -1) return { counts, policies };
    for (const p of this.policies.values()) {
      const wi = ai < p.latest.data.length ? p.latest.data[ai] : -1;
      if (wi === -1) continue;
      const w = p.waves[wi];
      counts[ROLLOUT_STATUSES[w.status.data[w.slot(ai, false)]]]++;
      policies++;
    }
    return { counts, policies };
  }

  /** The index of an account (for tables by account); -1 when unknown. */
  accountIndexOf(account: string): number {
    return (/^\d{12}$/.test(account) ? this.accountIdx.get(Number(account)) : undefined) ?? -1;
  }

  /** How many waves a policy has (0 when none). */
  waveCount(policy: string): number {
    return this.policies.get(policy)?.waves.length ?? 0;
  }

  /** Every policy's latest rollout in one account. Cheap: one pointer per policy. */
  latestInAccount(account: string): { policy: string; rollout: RolloutView }[] {
    const ai = this.accountIndexOf(account);
    if (ai === -1) return [];
    const out: { policy: string; rollout: RolloutView }[] = [];
    for (const name of this.policies.keys()) {
      const r = this.policy(name)!.latestOf(ai);
      if (r) out.push({ policy: name, rollout: r });
    }
    return out;
  }
}

/** One policy's rollouts: its waves and the latest rollout per account. */
export class PolicyRollouts {
  private waveInfos?: WaveInfo[];
  constructor(
    private readonly p: PolicyAgg,
    private readonly accountIds: readonly string[],
    private readonly errors: readonly string[],
  ) {}

  get name(): string {
    return this.p.name;
  }

  /** Permission sets named by the most recent row. */
  get permissionSets(): readonly string[] {
    return this.p.permissionSets;
  }

  /** The waves, oldest first, numbered from 1. */
  waves(): WaveInfo[] {
    if (this.waveInfos) return this.waveInfos;
    const order = this.p.waves.map((w, i) => ({ w, i, start: minStart(w) })).sort((a, b) => a.start - b.start || a.w.seq - b.w.seq);
    const infos: WaveInfo[] = new Array(this.p.waves.length);
    order.forEach(({ w, i, start }, n) => {
      const counts: StatusCounts = { SUCCESS: 0, PENDING: 0, FAILED: 0 };
      let end = NaN;
      let events = 0;
      for (let s = 0; s < w.size; s++) {
        counts[ROLLOUT_STATUSES[w.status.data[s]]]++;
        events |= 1 << w.event.data[s];
        const e = w.end.data[s];
        if (!Number.isNaN(e) && !(e <= end)) end = e;
      }
      infos[i] = {
        number: n + 1,
        ...(w.runId ? { runId: w.runId } : {}),
        commit: w.commit,
        ...(w.pullRequest !== undefined ? { pullRequest: w.pullRequest } : {}),
        ...(w.runUrl ? { runUrl: w.runUrl } : {}),
        retry: w.retry,
        startedAt: Number.isFinite(start) ? start : NaN,
        endedAt: end,
        counts,
        events: ROLLOUT_EVENTS.filter((_, k) => events & (1 << k)),
        size: w.size,
      };
    });
    this.waveInfos = infos;
    return infos;
  }

  /** The waves, newest first. */
  wavesNewestFirst(): WaveInfo[] {
    return [...this.waves()].sort((a, b) => b.number - a.number);
  }

  /** The times of one wave (by its number) as columns, for its timeline; undefined when there is no such wave. */
  waveTimes(number: number): WaveTimes | undefined {
    const infos = this.waves();
    const i = infos.findIndex((w) => w.number === number);
    if (i === -1) return undefined;
    const w = this.p.waves[i];
    const failed = STATUS_CODE.FAILED;
    const status = w.status.data;
    return { size: w.size, start: w.start.data.subarray(0, w.size), end: w.end.data.subarray(0, w.size), failed: (k) => status[k] === failed, rollouts: () => this.waveRollouts(number) };
  }

  /** The rollouts of one wave (by its number), in ledger order of first appearance. */
  waveRollouts(number: number): RolloutView[] {
    const infos = this.waves();
    const i = infos.findIndex((w) => w.number === number);
    if (i === -1) return [];
    const w = this.p.waves[i];
    const out: RolloutView[] = [];
    for (let s = 0; s < w.size; s++) out.push(this.view(w, infos[i], s));
    return out;
  }

  /** The latest rollout in each account, sorted by account: the Rollout Status panel's rows. */
  latestPerAccount(): RolloutView[] {
    const out: RolloutView[] = [];
    const latest = this.p.latest.data;
    for (let ai = 0; ai < latest.length; ai++) {
      const r = this.latestOf(ai);
      if (r) out.push(r);
    }
    return out.sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  }

  /** The latest rollout in one account (by index). */
  latestOf(accountIdx: number): RolloutView | undefined {
    const wi = accountIdx < this.p.latest.data.length ? this.p.latest.data[accountIdx] : -1;
    if (wi === -1) return undefined;
    const w = this.p.waves[wi];
    return this.view(w, this.waves()[wi], w.slot(accountIdx, false));
  }

  private view(w: WaveAgg, info: WaveInfo, s: number): RolloutView {
    const err = w.error.data[s];
    const start = w.start.data[s];
    return {
      account: this.accountIds[w.account.data[s]],
      event: ROLLOUT_EVENTS[w.event.data[s]],
      status: ROLLOUT_STATUSES[w.status.data[s]],
      error: err >= 0 ? this.errors[err] : undefined,
      startedAt: Number.isFinite(start) ? start : NaN,
      endedAt: w.end.data[s],
      wave: info,
    };
  }
}

function minStart(w: WaveAgg): number {
  let m = Infinity;
  for (let s = 0; s < w.size; s++) if (w.start.data[s] < m) m = w.start.data[s];
  return m;
}

/** Status counts of a set of rollouts. */
export function countStatuses(rollouts: Iterable<{ status: RolloutStatus }>): StatusCounts {
  const c: StatusCounts = { SUCCESS: 0, PENDING: 0, FAILED: 0 };
  for (const r of rollouts) c[r.status]++;
  return c;
}

/** "N success · N pending · N failed": the same words as `summaryChips` in src/apply/rollout-table.ts. */
export function chipsText(c: StatusCounts): string {
  return `${c.SUCCESS} success · ${c.PENDING} pending · ${c.FAILED} failed`;
}
