/**
 * The rollout ledger's format and layout. Each apply run (or shard) writes one file of its own,
 * `rollouts/runs/<date>/<time>-<runId>.jsonl`, and never touches another's, so writers never
 * contend on content. A file holds JSON lines: rollout rows (written PENDING, then again with the
 * same id as SUCCESS or FAILED; the last line for an id wins, in file order) and watermarks (the
 * desired state an account was last applied to in full). Older repositories kept one file per
 * policy, `rollouts/<policy>.jsonl`; those are still read. The git store that reads and pushes the
 * ledger branch is adapters/git/ledger-store.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isIgnoredName } from '../load/layout';
import { ROLLOUT_EVENTS, ROLLOUT_STATUSES, RolloutRow } from '../model/rollout';

/** The ledger folder, relative to the root of the ledger branch. */
export const LEDGER_DIR = 'rollouts';

/** Where each run's files go. */
export const RUNS_DIR = `${LEDGER_DIR}/runs`;

/**
 * A watermark: every rollout of `account` in this run succeeded, so the account now holds the
 * desired state of `commit` (whose hash is `stateHash`). Apply converges on main by applying every
 * account whose desired state differs from its latest watermark.
 */
export interface Watermark {
  readonly type: 'applied';
  readonly account: string;
  /** Set for a stack that is not the account's own: `identity-center` (in the identity-center account). */
  readonly stack?: string;
  readonly commit: string;
  readonly stateHash: string;
  readonly at: string;
  readonly runId: string;
}

/** What the ledger holds. */
export interface LedgerContent {
  /** Every row line, in ledger order (older files first). */
  readonly rows: RolloutRow[];
  readonly watermarks: Watermark[];
  /** Lines that are neither, as `file:line: why`. */
  readonly problems: string[];
}

/** The file a run writes: sorted by path is sorted by time. */
export function runFile(runId: string, startedAt: string): string {
  const t = startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${RUNS_DIR}/${startedAt.slice(0, 10)}/${t.slice(9)}-${runId}.jsonl`;
}

/** Ledger files in ledger order: the per-policy files of old repositories first, then runs by time. */
export function ledgerOrder(a: string, b: string): number {
  const ra = a.startsWith(RUNS_DIR + '/');
  const rb = b.startsWith(RUNS_DIR + '/');
  if (ra !== rb) return ra ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a path inside the ledger branch is a ledger file. */
export function isLedgerFile(p: string): boolean {
  if (!p.startsWith(LEDGER_DIR + '/') || !p.endsWith('.jsonl')) return false;
  return !p.split('/').some((s) => isIgnoredName(s) && s !== LEDGER_DIR);
}

function isRow(v: Record<string, unknown>): boolean {
  return typeof v.id === 'string' && typeof v.policy === 'string' && /^\d{12}$/.test(String(v.account)) && ROLLOUT_EVENTS.includes(v.event as never) && ROLLOUT_STATUSES.includes(v.status as never);
}

function isWatermark(v: Record<string, unknown>): boolean {
  return v.type === 'applied' && /^\d{12}$/.test(String(v.account)) && typeof v.commit === 'string' && typeof v.stateHash === 'string' && typeof v.at === 'string';
}

/** Parses ledger files, in the order given, into rows and watermarks, reporting lines that are neither. */
export function parseLedger(files: readonly { path: string; text: string }[]): LedgerContent {
  const rows: RolloutRow[] = [];
  const watermarks: Watermark[] = [];
  const problems: string[] = [];
  for (const f of files) {
    f.text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      let v: Record<string, unknown>;
      try {
        v = JSON.parse(line) as Record<string, unknown>;
      } catch {
        problems.push(`${f.path}:${i + 1}: invalid JSON`);
        return;
      }
      if (v && typeof v === 'object' && isWatermark(v)) watermarks.push(v as unknown as Watermark);
      else if (v && typeof v === 'object' && isRow(v)) rows.push(v as unknown as RolloutRow);
      else problems.push(`${f.path}:${i + 1}: not a rollout row or watermark`);
    });
  }
  return { rows, watermarks, problems };
}

/** The latest watermark of each account, keyed by account ID (a stack of its own, by its name; ledger order: the later line wins). */
export function latestWatermarks(watermarks: readonly Watermark[]): Map<string, Watermark> {
  const out = new Map<string, Watermark>();
  for (const w of watermarks) out.set(w.stack ?? w.account, w);
  return out;
}

/** Rows and watermarks as the lines of a run file. */
export function formatLines(items: readonly (RolloutRow | Watermark)[]): string {
  return items.map((i) => JSON.stringify(i) + '\n').join('');
}

/** Every ledger file under `root` (a folder, not git), in ledger order. */
function folderFiles(root: string): string[] {
  const folder = path.join(root, LEDGER_DIR);
  if (!fs.existsSync(folder)) return [];
  return (fs.readdirSync(folder, { recursive: true, encoding: 'utf8' }) as string[])
    .map((f) => `${LEDGER_DIR}/${f.split(path.sep).join('/')}`)
    .filter((p) => isLedgerFile(p) && fs.statSync(path.join(root, p)).isFile())
    .sort(ledgerOrder);
}

/** The ledger in a plain folder `root` (a checkout, or a test fixture). */
export function readLedgerFolder(root: string): LedgerContent {
  return parseLedger(folderFiles(root).map((p) => ({ path: p, text: fs.readFileSync(path.join(root, p), 'utf8') })));
}

/**
 * Every row of the ledger in a plain folder, one file at a time, so that only one file's text is in
 * memory at once (for readers that fold rows, such as the dashboard).
 */
export function* readLedgerRows(root: string, onProblem: (problem: string) => void = () => undefined): Generator<RolloutRow> {
  for (const p of folderFiles(root)) {
    const { rows, problems } = parseLedger([{ path: p, text: fs.readFileSync(path.join(root, p), 'utf8') }]);
    problems.forEach(onProblem);
    yield* rows;
  }
}
