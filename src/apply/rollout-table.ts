import { mdCode, mdText } from '../core/markdown';
import { latestRows, RolloutRow } from '../model/rollout';

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


/** The rollout table as text (aligned columns) or markdown. */
export function renderRolloutTable(policy: string, rows: readonly RolloutRow[], options: { format: 'text' | 'markdown'; all?: boolean }): string {
  const latest = latestPerAccount(rows, policy);
  const shown = options.all
    ? latestRows(rows)
        .filter((r) => r.policy === policy)
        .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || (a.account < b.account ? -1 : 1))
    : latest;
  const head = ['Account', 'Event', 'Status', 'Error', 'Started'];
  const body = shown.map((r) => [r.account, r.event, r.status, r.error ?? '', r.startedAt]);
  if (options.format === 'markdown') {
    return [`### Rollouts of ${mdCode(policy)}`, '', `**${summaryChips(latest)}**`, '', `| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...body.map((b) => `| ${b.map(mdText).join(' | ')} |`), ''].join('\n');
  }
  const trimmed = body.map((b) => [b[0], b[1], b[2], b[3].length > 80 ? b[3].slice(0, 77) + '...' : b[3], b[4]]);
  const widths = head.map((h, i) => Math.max(h.length, ...trimmed.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [`${policy}: ${summaryChips(latest)}`, '', line(head), ...trimmed.map(line)].join('\n');
}
