/** A worker thread of the dashboard's FoldPool: folds the ledger files it is given (./dashboard-fold.ts). */
import { parentPort } from 'node:worker_threads';
import { foldLedgerBytes, ownBytes } from './dashboard-fold';

parentPort?.on('message', (m: { file: string; bytes: Uint8Array }) => {
  try {
    const r = foldLedgerBytes(m.file, m.bytes);
    const own = ownBytes(r.bytes);
    parentPort!.postMessage({ bytes: own, problems: r.problems }, [own.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ error: String((err as Error)?.stack ?? err) });
  }
});
