/** A worker thread of `synthesizeStacks`: synthesises its batches of shapes, then exits, freeing cdktf's memory. */
import { parentPort, workerData } from 'node:worker_threads';
import { BatchContext, ShapeBatch, synthesizeShapeBatch } from './synthesize';

const { batches, ctx } = workerData as { batches: ShapeBatch[]; ctx: BatchContext };
try {
  for (const batch of batches) {
    const stacks = synthesizeShapeBatch(batch, ctx);
    parentPort!.postMessage({ stacks, accounts: batch.shapes.reduce((n, s) => n + s.accounts.length, 0) });
  }
} catch (err) {
  parentPort!.postMessage({ error: (err as Error).message });
}
