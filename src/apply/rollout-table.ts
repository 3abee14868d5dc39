import { mdCode, mdLink, mdText } from '../core/markdown';
import { PLAIN, Paint } from '../core/paint';
import { latestRows, RolloutRow, RolloutStatus } from '../model/rollout';

/** The latest rollout of a policy in each account (the product's "Rollout Status" panel). */
export function latestPerAccount(rows: readonly RolloutRow[], policy: string): RolloutRow[] {
  const byAccount = new Map<string, RolloutRow>();
  for (const r of latestRows(rows)) {
    if (r.policy !== policy) continue;
    const prev = byAccount.get(r.account);
    if (!prev || Date.parse(r.startedAt) >= Date.parse(prev.startedAt)) byAccount.set(r.account, r);
  }
  return [...byAccount.values()].sort((a, b) => (a.account < b.account ? -1 : 1));
}

/** "N success · N pending · N failed", from the latest row per account. */
export function summaryChips(latest: readonly RolloutRow[]): string {
  const n = (s: RolloutRow['status']) => latest.filter((r) => r.status === s).length;
  return `${n('SUCCESS')} success · ${n('PENDING')} pending · ${n('FAILED')} failed`;
}

/** The icon shown next to each status (never the colour alone). */
export const STATUS_ICON: Record<RolloutStatus, string> = { SUCCESS: '✅', PENDING: '⏳', FAILED: '❌' };

/** The repository of a workflow run link (https://github.com/O/R/actions/runs/N -> https://github.com/O/R). */
export function repositoryOfRun(runUrl: string | undefined): string | undefined {
  return /^(https?:\/\/[^/\s]+\/[^/\s]+\/[^/\s]+)\/actions\/runs\/\d+/.exec(runUrl ?? '')?.[1];
}

/** How long a rollout took, from its start and end times: 4.2s, 1m05s. */
function took(r: RolloutRow): string {
  if (!r.endedAt) return '';
  const ms = Date.parse(r.endedAt) - Date.parse(r.startedAt);
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** Options of `renderRolloutTable`. */
export interface RolloutTableOptions {
  readonly format: 'text' | 'markdown';
  /** The whole history, newest first, instead of the latest per account. @default false */
  readonly all?: boolean;
  /** For commit and pull request links. @default the repository of each row's run link */
  readonly repoUrl?: string;
  /** Colours for a terminal (text only). @default PLAIN */
  readonly paint?: Paint;
  /** At most this many rows (the rest are counted). @default all */
  readonly maxRows?: number;
}

/**
 * The rollout table as text (aligned columns) or markdown: a status icon on every row, and links to
 * the commit, the pull request and the workflow run that applied it (markdown), or the short commit,
 * `#PR` and the run links listed under the table (text).
 */
export function renderRolloutTable(policy: string, rows: readonly RolloutRow[], options: RolloutTableOptions): string {
  const latest = latestPerAccount(rows, policy);
  const all = options.all
    ? latestRows(rows)
        .filter((r) => r.policy === policy)
        .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || (a.account < b.account ? -1 : 1))
    : latest;
  const shown = options.maxRows !== undefined ? all.slice(0, options.maxRows) : all;
  const more = all.length - shown.length;
  const repo = (r: RolloutRow) => options.repoUrl ?? repositoryOfRun(r.runUrl);
  if (options.format === 'markdown') {
    const head = ['', 'Account', 'Event', 'Status', 'Error', 'Started', 'Took', 'Commit', 'PR', 'Run'];
    const body = shown.map((r) => {
      const base = repo(r);
      return [
        STATUS_ICON[r.status],
        mdText(r.account),
        mdText(r.event),
        mdText(r.status),
        mdText(r.error ?? ''),
        mdText(r.startedAt),
        took(r),
        mdLink(r.commit.slice(0, 7), base && `${base}/commit/${r.commit}`),
        r.pullRequest ? mdLink(`#${r.pullRequest}`, base && `${base}/pull/${r.pullRequest}`) : '',
        r.runUrl ? mdLink('run', r.runUrl) : '',
      ];
    });
    return [
      `### Rollouts of ${mdCode(policy)}`,
      '',
      `**${summaryChips(latest)}**`,
      '',
      `| ${head.join(' | ')} |`,
      `| ${head.map(() => '---').join(' | ')} |`,
      ...body.map((b) => `| ${b.join(' | ')} |`),
      ...(more > 0 ? ['', `…and ${more} more row(s): \`prism rollouts ${policy}${options.all ? ' --all' : ''}\` lists them all.`] : []),
      '',
    ].join('\n');
  }
  const paint = options.paint ?? PLAIN;
  const colour = { SUCCESS: paint.success, PENDING: paint.pending, FAILED: paint.error };
  const head = ['  ', 'Account', 'Event', 'Status', 'Started', 'Took', 'Commit', 'PR', 'Error'];
  const body = shown.map((r) => [STATUS_ICON[r.status], r.account, r.event, r.status, r.startedAt, took(r), r.commit.slice(0, 12), r.pullRequest ? `#${r.pullRequest}` : '', (r.error ?? '').length > 80 ? r.error!.slice(0, 77) + '...' : r.error ?? '']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (i === 0 ? 2 : b[i].length))));
  const line = (cells: string[], status?: RolloutStatus) =>
    cells
      .map((c, i) => {
        const padded = i === 0 ? c : c.padEnd(widths[i]);
        return status && i === 3 ? colour[status](padded) : padded;
      })
      .join('  ')
      .trimEnd();
  const runs = [...new Set(shown.map((r) => r.runUrl).filter((u): u is string => Boolean(u)))];
  return [
    `${paint.bold(policy)}: ${summaryChips(latest)}`,
    '',
    paint.bold(line(head)),
    ...body.map((b, i) => line(b, shown[i].status)),
    ...(more > 0 ? [`…and ${more} more row(s)`] : []),
    ...(runs.length ? ['', ...runs.slice(0, 10).map((u) => `run: ${u}`), ...(runs.length > 10 ? [`…and ${runs.length - 10} more run(s)`] : [])] : []),
  ].join('\n');
}
