/**
 * The rollout ledger's files: `rollouts/<policy>.jsonl` in the repository, one JSON row per line,
 * append-only (a rollout is written PENDING, then again with the same id as SUCCESS or FAILED; the
 * last line for an id wins). This module owns the layout and the format; the git store that commits
 * and pushes rows is in adapters/git/ledger-store.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isIgnoredName, LAYOUT } from '../load/layout';
import { ROLLOUT_EVENTS, ROLLOUT_STATUSES, RolloutRow } from '../model/rollout';

/** The ledger folder, relative to the repository root. */
export const LEDGER_DIR = LAYOUT.ledger;

/** The repository-relative file that holds a policy's rows. */
export function ledgerFile(policy: string): string {
  return `${LEDGER_DIR}/${policy}.jsonl`;
}

/** Parses ledger files into rows, skipping (and reporting) lines that are not rows. */
export function parseLedger(files: readonly { path: string; text: string }[]): { rows: RolloutRow[]; problems: string[] } {
  const rows: RolloutRow[] = [];
  const problems: string[] = [];
  for (const f of files) {
    f.text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const row = JSON.parse(line) as RolloutRow;
        if (typeof row.id !== 'string' || typeof row.policy !== 'string' || !/^\d{12}$/.test(row.account) || !ROLLOUT_EVENTS.includes(row.event) || !ROLLOUT_STATUSES.includes(row.status)) {
          problems.push(`${f.path}:${i + 1}: not a rollout row`);
        } else rows.push(row);
      } catch {
        problems.push(`${f.path}:${i + 1}: invalid JSON`);
      }
    });
  }
  return { rows, problems };
}

/** The lines rows append to their files: repository-relative path -> text to append (each row one line). */
export function formatRows(rows: readonly RolloutRow[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of rows) out.set(ledgerFile(r.policy), (out.get(ledgerFile(r.policy)) ?? '') + JSON.stringify(r) + '\n');
  return out;
}

/** Appends rows to their files under `root` (a repository or a worktree of it). */
export function appendRows(root: string, rows: readonly RolloutRow[]): void {
  for (const [rel, lines] of formatRows(rows)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    fs.appendFileSync(file, (existing && !existing.endsWith('\n') ? '\n' : '') + lines);
  }
}

/** Every row in the ledger folder under `root`, with the lines that are not rows. */
export function readLedger(root: string): { rows: RolloutRow[]; problems: string[] } {
  const folder = path.join(root, LEDGER_DIR);
  if (!fs.existsSync(folder)) return { rows: [], problems: [] };
  const files = fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => ({ path: `${LEDGER_DIR}/${f}`, text: fs.readFileSync(path.join(folder, f), 'utf8') }));
  return parseLedger(files);
}

/**
 * Every row of the ledger under `root`, one file at a time, so that only one file's text is in
 * memory at once (for readers that fold rows, such as the dashboard).
 */
export function* readLedgerRows(root: string, onProblem: (problem: string) => void = () => undefined): Generator<RolloutRow> {
  const folder = path.join(root, LEDGER_DIR);
  if (!fs.existsSync(folder)) return;
  for (const name of fs.readdirSync(folder).sort()) {
    if (isIgnoredName(name) || !name.endsWith('.jsonl')) continue;
    const { rows, problems } = parseLedger([{ path: `${LEDGER_DIR}/${name}`, text: fs.readFileSync(path.join(folder, name), 'utf8') }]);
    problems.forEach(onProblem);
    yield* rows;
  }
}
