import * as fs from 'node:fs';
import * as path from 'node:path';
import { usageError } from '../../core/errors';
import { latestPerAccount, renderRolloutTable, summaryChips } from '../../apply/rollout-table';
import { LAYOUT } from '../../load/layout';
import { latestRows, parseLedger } from '../../model/rollout';
import { info, oneOf, parseFlags } from '../args';

export const ROLLOUTS_HELP = `prism rollouts <policy> [--format text|markdown|json] [--all] [--dir DIR]

The rollout status of a policy: summary chips from the latest rollout in each account
("N success · N pending · N failed"), then Account | Event | Status | Error | Started.
Reads rollouts/<policy>.jsonl in the checkout (git pull first to see the latest runs).

  --all      the whole history, newest first, instead of the latest per account
  --format   text (default), markdown or json`;

/** `prism rollouts`. */
export async function rolloutsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { dir: { type: 'string' }, format: { type: 'string' }, all: { type: 'boolean' } }, true);
  if (values.help) {
    process.stdout.write(ROLLOUTS_HELP + '\n');
    return 0;
  }
  const [policy, ...extra] = positionals;
  if (!policy || extra.length) throw usageError('prism rollouts takes exactly one policy name');
  const format = oneOf('format', values.format, ['text', 'json', 'markdown'] as const, 'text');
  const dir = path.resolve(values.dir ?? '.');
  const file = path.join(dir, LAYOUT.ledger, `${policy}.jsonl`);
  if (!fs.existsSync(file)) {
    info(`rollouts: no rollouts recorded for ${policy} (${path.relative(process.cwd(), file) || file})`);
    return 0;
  }
  const { rows, problems } = parseLedger([{ path: `${LAYOUT.ledger}/${policy}.jsonl`, text: fs.readFileSync(file, 'utf8') }]);
  for (const p of problems) info(`rollouts: skipped ${p}`);
  if (format === 'json') {
    const latest = latestPerAccount(rows, policy);
    process.stdout.write(JSON.stringify({ policy, summary: summaryChips(latest), latest, ...(values.all ? { history: latestRows(rows).filter((r) => r.policy === policy) } : {}) }, null, 2) + '\n');
  } else process.stdout.write(renderRolloutTable(policy, rows, { format, all: values.all }) + '\n');
  if (process.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, renderRolloutTable(policy, rows, { format: 'markdown', all: values.all }) + '\n');
  return 0;
}
