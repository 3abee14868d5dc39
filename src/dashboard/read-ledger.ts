import * as fs from 'node:fs';
import * as path from 'node:path';
import { isIgnoredName, LAYOUT } from '../load/layout';
import { parseLedger, RolloutRow } from '../model/rollout';

/**
 * Every row of the rollout ledger of the repository in `dir`, one file at a time, so that only one
 * file's text is in memory at once. This is the only place where the dashboard knows how the ledger
 * is stored (today `rollouts/<policy>.jsonl`); everything after it takes rows.
 */
export function* readLedgerRows(dir: string, onProblem: (problem: string) => void = () => {}): Generator<RolloutRow> {
  const folder = path.join(dir, LAYOUT.ledger);
  if (!fs.existsSync(folder)) return;
  for (const name of fs.readdirSync(folder).sort()) {
    if (isIgnoredName(name) || !name.endsWith('.jsonl')) continue;
    const { rows, problems } = parseLedger([{ path: `${LAYOUT.ledger}/${name}`, text: fs.readFileSync(path.join(folder, name), 'utf8') }]);
    problems.forEach(onProblem);
    yield* rows;
  }
}
