import { ROLLOUT_EVENTS, ROLLOUT_STATUSES, RolloutEvent, RolloutRow, RolloutStatus } from '../model/rollout';

/**
 * Streaming aggregation of the rollout ledger for the dashboard.
 *
 * A ledger of 1,000 accounts x 200 policies x 10 waves holds 2,000,000 rollouts (4,000,000 lines with
 * their PENDING lines), about 1.7 GB of JSON. Rows are therefore folded in one at a time and never
 * kept: what stays is, per wave, a few typed-array columns per rollout (account, status, event,
 * start, end, error: 26 bytes), one pointer per (policy, account) to the wave holding its latest
 * rollout, and interned strings (accounts, errors, commits). Rows can arrive in any order (one file
 * per policy today, one file per run soon).
 *
 * Semantics are the model's (`latestRows`, then `latestPerAccount` in src/apply/rollout-table.ts):
 * the last line of a rollout wins, and the latest rollout of a policy in an account is the one with
 * the latest `startedAt` (a later line wins a tie). Two facts of the ledger make this foldable
 * without keeping every id: every line of a rollout carries the same `startedAt` and the same run,
 * and a run has at most one rollout per (policy, account) (src/apply/rollout-events.ts
 * `planRollouts`). A property test checks the result against `latestPerAccount` and `summaryChips`.
 */

/** Errors longer than this are cut (with a note): one Terraform error can be very long. */
export const MAX_ERROR_CHARS = 4000;

const STATUS_CODE = Object.fromEntries(ROLLOUT_STATUSES.map((s, i) => [s, i])) as Record<RolloutStatus, number>;
const EVENT_CODE = Object.fromEntries(ROLLOUT_EVENTS.map((e, i) => [e, i])) as Record<RolloutEvent, number>;

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

  /** The slot of an account, creating it when `create`. */
  slot(accountIdx: number, create: boolean): number {
    if (accountIdx >= this.slotOf.data.length) {
      if (!create) return -1;
      this.slotOf.ensure(accountIdx + 1);
    }
    let s = this.slotOf.data[accountIdx];
    if (s === -1 && create) {
      s = this.size++;
      for (const c of [this.account, this.status, this.event, this.start, this.end, this.error]) c.ensure(this.size);
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
  private permissionSetsAt = -Infinity;
  constructor(readonly name: string) {}

  notePermissionSets(sets: readonly string[] | undefined, at: number): void {
    if (sets && !(at < this.permissionSetsAt)) {
      this.permissionSets = sets;
      this.permissionSetsAt = at;
    }
  }
}

/** Turns a start time into a number; a row whose startedAt is not a date sorts first. */
function time(iso: string | undefined): number {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? -Infinity : t;
}

/** ISO time -> ms, remembering the last one: the rows of a run share their start time. */
class TimeParser {
  private lastIso: string | undefined = undefined;
  private lastMs = -Infinity;
  start(iso: string | undefined): number {
    if (iso !== this.lastIso) {
      this.lastIso = iso;
      this.lastMs = time(iso);
    }
    return this.lastMs;
  }
}

/** Folds ledger rows into what the dashboard shows. Feed rows with `add`, then read the result. */
export class RolloutAggregate {
  private readonly accountIdx = new Map<string, number>();
  private readonly accountIds: string[] = [];
  private readonly errorIdx = new Map<string, number>();
  private readonly errors: string[] = [];
  private readonly strings = new Map<string, string>();
  private readonly policies = new Map<string, PolicyAgg>();
  private readonly views = new Map<string, PolicyRollouts>();
  private readonly times = new TimeParser();
  // consecutive rows mostly share their policy and run: remember the last ones
  private lastPolicy?: PolicyAgg;
  private lastKey?: string;
  private lastWave = -1;
  private waveSeq = 0;
  /** rows folded in (lines, including superseded PENDING lines) */
  lines = 0;

  /** Folds in every row of an iterable. */
  addAll(rows: Iterable<RolloutRow>): this {
    for (const r of rows) this.add(r);
    return this;
  }

  /** Folds in one ledger row (one line). */
  add(row: RolloutRow): void {
    this.lines++;
    // views made before this row are out of date (none exist while rows are folded in bulk)
    if (this.views.size) this.views.delete(row.policy);
    let p = this.lastPolicy;
    if (p?.name !== row.policy) {
      p = this.policies.get(row.policy);
      if (!p) this.policies.set(row.policy, (p = new PolicyAgg(row.policy)));
      this.lastPolicy = p;
      this.lastKey = undefined;
    }

    // the wave: the run that wrote the row (older rows without a run id: their commit)
    const key = row.runId ?? `commit:${row.commit}`;
    let wi = key === this.lastKey ? this.lastWave : p.waveByKey.get(key);
    if (wi === undefined) {
      wi = p.waves.length;
      p.waveByKey.set(key, wi);
      const pr = typeof row.pullRequest === 'number' ? row.pullRequest : undefined;
      p.waves.push(new WaveAgg(key, this.waveSeq++, row.runId && this.intern(row.runId), this.intern(String(row.commit ?? '')), pr, row.runUrl && this.intern(row.runUrl)));
    }
    this.lastKey = key;
    this.lastWave = wi;
    const w = p.waves[wi];
    if (row.retryOf) w.retry = true;

    let ai = this.accountIdx.get(row.account);
    if (ai === undefined) {
      ai = this.accountIds.length;
      this.accountIdx.set(row.account, ai);
      this.accountIds.push(row.account);
    }

    // the rollout's slot in its wave: a later line wins unless it started earlier
    const start = this.times.start(row.startedAt);
    const s = w.slot(ai, true);
    if (start < w.start.data[s]) return;
    w.start.data[s] = start;
    w.status.data[s] = STATUS_CODE[row.status];
    w.event.data[s] = EVENT_CODE[row.event];
    const end = row.endedAt === undefined ? NaN : Date.parse(row.endedAt);
    w.end.data[s] = end;
    w.error.data[s] = row.error ? this.internError(row.error) : -1;
    p.notePermissionSets(row.permissionSets, start);

    // the latest rollout of the policy in the account: the latest start, a later line wins a tie
    p.latest.ensure(ai + 1);
    const cur = p.latest.data[ai];
    if (cur === -1 || cur === wi) p.latest.data[ai] = wi;
    else {
      const cw = p.waves[cur];
      if (!(start < cw.start.data[cw.slot(ai, false)])) p.latest.data[ai] = wi;
    }
  }

  private intern(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    return s;
  }

  private internError(e: string): number {
    const text = e.length > MAX_ERROR_CHARS ? `${e.slice(0, MAX_ERROR_CHARS)}… (${(e.length - MAX_ERROR_CHARS).toLocaleString('en-US')} more characters in the ledger)` : e;
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

  /** Every policy's latest rollout in one account. Cheap: one pointer per policy. */
  latestInAccount(account: string): { policy: string; rollout: RolloutView }[] {
    const ai = this.accountIdx.get(account);
    if (ai === undefined) return [];
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
