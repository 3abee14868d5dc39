import { ROLLOUT_EVENTS, ROLLOUT_STATUSES, RolloutEvent, RolloutRow, RolloutStatus } from '../model/rollout';

/**
 * The fold of one ledger file: what the dashboard keeps of its rows, as columns.
 *
 * A ledger file is one apply run (or, in older repositories, one policy). Its fold holds, per wave
 * (a policy's rollouts in one run), one slot per account with the winning line's status, event,
 * start, end and error: a later line of a rollout wins unless it started earlier. It also keeps
 * what the aggregate needs to merge files exactly as if it had read every line in ledger order:
 * the order in which each slot last changed, the permission sets of the latest-started line of
 * each policy, and the number of lines.
 *
 * A finished run's file never changes, so its fold can be computed once and kept (`encodeFold`,
 * `decodeFold`): `prism dashboard` caches it by the file's git blob id and parses only new files.
 * `RolloutAggregate.addFold` merges folds in ledger order; a property test checks that splitting
 * the ledger into files, folding each, and merging the folds (through an encode and decode) gives
 * what folding every row at once gives.
 */

/** Errors longer than this are cut (with a note): one Terraform error can be very long. */
export const MAX_ERROR_CHARS = 4000;

export const STATUS_CODE = Object.fromEntries(ROLLOUT_STATUSES.map((s, i) => [s, i])) as Record<RolloutStatus, number>;
export const EVENT_CODE = Object.fromEntries(ROLLOUT_EVENTS.map((e, i) => [e, i])) as Record<RolloutEvent, number>;

/** What identifies a wave and where it came from: the same on every row of the wave. */
export interface FoldWaveHead {
  readonly policy: string;
  /** The run id, or `commit:<sha>` for rows without one. */
  readonly key: string;
  readonly runId?: string;
  readonly commit: string;
  readonly pullRequest?: number;
  readonly runUrl?: string;
}

/** One wave of one file: its head and one slot per account, in order of first appearance. */
export interface FoldWave extends FoldWaveHead {
  /** Some row of the wave carries retryOf. */
  retry: boolean;
  size: number;
  /** The 12-digit account ID as a number (exact: below 2^53). */
  account: Float64Array;
  status: Uint8Array;
  event: Uint8Array;
  /** ms since the epoch; -Infinity when the row's startedAt is not a date. */
  start: Float64Array;
  /** ms since the epoch; NaN while PENDING. */
  end: Float64Array;
  /** Index into `errors`, -1 for none. */
  error: Int32Array;
}

/** The fold of one ledger file. */
export interface LedgerFold {
  /** Rollout row lines folded in (PENDING lines included). */
  readonly lines: number;
  /** Waves in order of first appearance. */
  readonly waves: readonly FoldWave[];
  /** Pairs (wave index, slot) in the order each slot last took a line: the order to merge them in. */
  readonly updates: Int32Array;
  /** Error texts, already cut to MAX_ERROR_CHARS. */
  readonly errors: readonly string[];
  /** Per policy: the permission sets of its latest-started row that named them, and that start. */
  readonly permissionSets: readonly { readonly policy: string; readonly sets: readonly string[]; readonly at: number }[];
}

/** Turns an ISO time into ms; a time that is not a date sorts first. */
function time(iso: string | undefined): number {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? -Infinity : t;
}

/** An error as the dashboard keeps it: cut, with a note, when very long. */
export function cutError(e: string): string {
  return e.length > MAX_ERROR_CHARS ? `${e.slice(0, MAX_ERROR_CHARS)}… (${(e.length - MAX_ERROR_CHARS).toLocaleString('en-US')} more characters in the ledger)` : e;
}

/** Typed-array columns that grow by doubling. */
function grow<T extends Float64Array | Uint8Array | Int32Array>(a: T, n: number, make: (n: number) => T): T {
  if (n <= a.length) return a;
  const next = make(Math.max(n, a.length * 2));
  next.set(a as never);
  return next;
}

class WaveBuilder {
  retry = false;
  size = 0;
  account = new Float64Array(8);
  status = new Uint8Array(8);
  event = new Uint8Array(8);
  start = new Float64Array(8);
  end = new Float64Array(8);
  error = new Int32Array(8);
  /** line number at which each slot last changed */
  changed = new Float64Array(8);
  readonly slotOf = new Map<number, number>();
  constructor(
    readonly index: number,
    readonly head: FoldWaveHead,
  ) {}

  slot(account: number): number {
    let s = this.slotOf.get(account);
    if (s !== undefined) return s;
    s = this.size++;
    const n = this.size;
    this.account = grow(this.account, n, (k) => new Float64Array(k));
    this.status = grow(this.status, n, (k) => new Uint8Array(k));
    this.event = grow(this.event, n, (k) => new Uint8Array(k));
    this.start = grow(this.start, n, (k) => new Float64Array(k));
    this.end = grow(this.end, n, (k) => new Float64Array(k));
    this.error = grow(this.error, n, (k) => new Int32Array(k));
    this.changed = grow(this.changed, n, (k) => new Float64Array(k));
    this.account[s] = account;
    this.start[s] = -Infinity;
    this.changed[s] = -1;
    this.slotOf.set(account, s);
    return s;
  }

  finish(): FoldWave {
    const n = this.size;
    return {
      ...this.head,
      retry: this.retry,
      size: n,
      account: this.account.slice(0, n),
      status: this.status.slice(0, n),
      event: this.event.slice(0, n),
      start: this.start.slice(0, n),
      end: this.end.slice(0, n),
      error: this.error.slice(0, n),
    };
  }
}

/**
 * Folds the rows of one ledger file, in file order. Pure. The rows' accounts must be 12-digit IDs
 * (the ledger reader keeps only such rows).
 */
export function foldRows(rows: Iterable<RolloutRow>): LedgerFold {
  const waves: WaveBuilder[] = [];
  const byKey = new Map<string, WaveBuilder>();
  const errors: string[] = [];
  const errorIdx = new Map<string, number>();
  const sets = new Map<string, { sets: readonly string[]; at: number }>();
  let lines = 0;
  // the rows of a file mostly share their wave and their start time: remember the last ones
  let last: WaveBuilder | undefined;
  let lastPolicy: string | undefined;
  let lastKey: string | undefined;
  let lastIso: string | undefined;
  let lastMs = -Infinity;
  for (const row of rows) {
    const line = lines++;
    const key = row.runId ?? `commit:${row.commit}`;
    let w = last && lastPolicy === row.policy && lastKey === key ? last : byKey.get(`${row.policy}\u0000${key}`);
    if (!w) {
      const pr = typeof row.pullRequest === 'number' ? row.pullRequest : undefined;
      const head: FoldWaveHead = { policy: row.policy, key, ...(row.runId !== undefined ? { runId: row.runId } : {}), commit: String(row.commit ?? ''), ...(pr !== undefined ? { pullRequest: pr } : {}), ...(row.runUrl !== undefined ? { runUrl: row.runUrl } : {}) };
      w = new WaveBuilder(waves.length, head);
      waves.push(w);
      byKey.set(`${row.policy}\u0000${key}`, w);
    }
    last = w;
    lastPolicy = row.policy;
    lastKey = key;
    if (row.retryOf) w.retry = true;
    if (row.startedAt !== lastIso) {
      lastIso = row.startedAt;
      lastMs = time(row.startedAt);
    }
    const start = lastMs;
    const s = w.slot(Number(row.account));
    // a later line of a rollout wins unless it started earlier
    if (start < w.start[s]) continue;
    w.start[s] = start;
    w.status[s] = STATUS_CODE[row.status];
    w.event[s] = EVENT_CODE[row.event];
    w.end[s] = row.endedAt === undefined ? NaN : Date.parse(row.endedAt);
    let err = -1;
    if (row.error) {
      const text = cutError(row.error);
      err = errorIdx.get(text) ?? -1;
      if (err === -1) {
        err = errors.length;
        errorIdx.set(text, err);
        errors.push(text);
      }
    }
    w.error[s] = err;
    w.changed[s] = line;
    // the permission sets named by the latest-started row (a later line wins a tie)
    if (row.permissionSets) {
      const cur = sets.get(row.policy);
      if (!cur || !(start < cur.at)) sets.set(row.policy, { sets: row.permissionSets, at: start });
    }
  }
  // the merge order: each slot at the line where it last changed
  let count = 0;
  for (const w of waves) count += w.size;
  const order: { line: number; wave: number; slot: number }[] = new Array(count);
  let k = 0;
  for (const w of waves) for (let s = 0; s < w.size; s++) order[k++] = { line: w.changed[s], wave: w.index, slot: s };
  order.sort((a, b) => a.line - b.line);
  const updates = new Int32Array(count * 2);
  order.forEach((o, i) => {
    updates[2 * i] = o.wave;
    updates[2 * i + 1] = o.slot;
  });
  return { lines, waves: waves.map((w) => w.finish()), updates, errors, permissionSets: [...sets].map(([policy, v]) => ({ policy, sets: v.sets, at: v.at })) };
}

/** The format of an encoded fold; a cache keyed by it is never read by a build that does not know it. */
export const FOLD_FORMAT = 2;
const MAGIC = 'prism-fold';

interface Header {
  readonly magic: string;
  readonly format: number;
  readonly littleEndian: boolean;
  readonly lines: number;
  readonly errors: readonly string[];
  readonly permissionSets: LedgerFold['permissionSets'];
  readonly updates: number;
  /** Each wave without its columns (they follow the header, in this order). */
  readonly waves: readonly (FoldWaveHead & { readonly retry: boolean; readonly size: number })[];
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const pad8 = (n: number) => (n + 7) & ~7;

/**
 * A fold as bytes: a JSON header (its length first, as 4 bytes) and the columns, each 8-byte
 * aligned. Times that are not finite are kept exactly (the header says the byte order).
 */
export function encodeFold(fold: LedgerFold): Buffer {
  const header: Header = {
    magic: MAGIC,
    format: FOLD_FORMAT,
    littleEndian: LITTLE_ENDIAN,
    lines: fold.lines,
    errors: fold.errors,
    permissionSets: fold.permissionSets.map((p) => ({ ...p, at: Number.isFinite(p.at) ? p.at : -1e308 })),
    updates: fold.updates.length,
    // the columns follow the header
    waves: fold.waves.map(({ account, status, event, start, end, error, ...head }) => head),
  };
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const parts: Uint8Array[] = [];
  let size = pad8(4 + head.length);
  const add = (a: Float64Array | Int32Array | Uint8Array) => {
    parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    size += pad8(a.byteLength);
  };
  for (const w of fold.waves) [w.account, w.start, w.end, w.error, w.status, w.event].forEach(add);
  add(fold.updates);
  const out = Buffer.alloc(size);
  out.writeUInt32LE(head.length, 0);
  head.copy(out, 4);
  let at = pad8(4 + head.length);
  for (const p of parts) {
    out.set(p, at);
    at += pad8(p.byteLength);
  }
  return out;
}

/** Reads bytes written by `encodeFold`; throws when they are not a fold of this format (a cache entry to ignore). */
export function decodeFold(bytes: Uint8Array): LedgerFold {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 4) throw new Error('not a dashboard fold: too short');
  const headLen = buf.readUInt32LE(0);
  if (4 + headLen > buf.length) throw new Error('not a dashboard fold: truncated header');
  const header = JSON.parse(buf.toString('utf8', 4, 4 + headLen)) as Header;
  if (header.magic !== MAGIC || header.format !== FOLD_FORMAT) throw new Error(`not a dashboard fold of format ${FOLD_FORMAT}`);
  if (header.littleEndian !== LITTLE_ENDIAN) throw new Error('a dashboard fold of the other byte order');
  let at = pad8(4 + headLen);
  // columns are copied out, so the result never depends on the alignment of `bytes`
  const take = <T extends Float64Array | Int32Array | Uint8Array>(n: number, make: (n: number) => T): T => {
    const col = make(n);
    if (at + col.byteLength > buf.length) throw new Error('not a dashboard fold: truncated columns');
    new Uint8Array(col.buffer).set(buf.subarray(at, at + col.byteLength));
    at += pad8(col.byteLength);
    return col;
  };
  const waves: FoldWave[] = header.waves.map((h) => ({
    ...h,
    account: take(h.size, (n) => new Float64Array(n)),
    start: take(h.size, (n) => new Float64Array(n)),
    end: take(h.size, (n) => new Float64Array(n)),
    error: take(h.size, (n) => new Int32Array(n)),
    status: take(h.size, (n) => new Uint8Array(n)),
    event: take(h.size, (n) => new Uint8Array(n)),
  }));
  const updates = take(header.updates, (n) => new Int32Array(n));
  if (at !== buf.length) throw new Error('not a dashboard fold: trailing bytes');
  return { lines: header.lines, waves, updates, errors: header.errors, permissionSets: header.permissionSets.map((p) => ({ ...p, at: p.at === -1e308 ? -Infinity : p.at })) };
}
