/** How use cases read the rollout ledger: from the ledger branch of the remote (fetched), never a guess. */
import { LedgerContent } from '../artifacts/ledger';
import { Settings } from '../core/settings';
import type { LedgerStore } from '../adapters/git/ledger-store';
import { Reporter } from './reporter';

/**
 * Opens the ledger store of the repository at `dir`, fetching the ledger branch. `current: true`
 * (apply, retry) fails when the fetch fails; otherwise a failed fetch is reported and the ledger as
 * last fetched is used (a laptop offline can still synth and preview).
 */
export async function openLedger(dir: string, settings: Settings, reporter: Reporter, o: { current?: boolean } = {}): Promise<LedgerStore> {
  const { LedgerStore } = await import('../adapters/git/ledger-store');
  const options = { repoDir: dir, remote: settings.ledger.remote, branch: settings.ledger.branch, log: (l: string) => reporter.info(l) };
  try {
    return await LedgerStore.open(options);
  } catch (err) {
    if (o.current) throw err;
    reporter.info(`warning: ${(err as Error).message}; using the rollout ledger as last fetched`);
    return LedgerStore.open({ ...options, fetch: false });
  }
}

/** Every row and watermark of the ledger, with lines that are neither reported as warnings. */
export async function readLedger(dir: string, settings: Settings, reporter: Reporter, o: { current?: boolean } = {}): Promise<LedgerContent> {
  const content = await (await openLedger(dir, settings, reporter, o)).read();
  for (const p of content.problems) reporter.info(`warning: skipped ledger line ${p}`);
  return content;
}
