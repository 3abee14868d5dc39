/** A worker thread that renders and writes the dashboard's account pages (see `renderAccountsApart` in ./dashboard-fold.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { LatestTable } from '../dashboard/latest-table';
import { renderAccountPages } from '../dashboard/render';
import { writePages } from '../dashboard/write-site';
import type { AccountsJob } from './dashboard-fold';

const job = workerData as AccountsJob;
try {
  const options = { ...job.options, generatedAt: new Date(job.options.generatedAt) };
  parentPort!.postMessage({ result: writePages(job.dir, renderAccountPages(new LatestTable(job.table), job.documents, options)) });
} catch (err) {
  parentPort!.postMessage({ error: String((err as Error)?.stack ?? err) });
}
