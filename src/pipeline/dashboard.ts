/** The dashboard use case: the rollout ledger as a static site, with the repository for names. */
import * as path from 'node:path';
import { replaceOutputFolder } from '../artifacts/atomic-file';
import { RolloutAggregate } from '../dashboard/aggregate';
import { buildDashboardFrom } from '../dashboard/build-dashboard';
import { decodeFold, LedgerFold } from '../dashboard/fold';
import { LatestTable } from '../dashboard/latest-table';
import { deriveRepoUrl } from '../dashboard/render';
import { writePages, WriteResult } from '../dashboard/write-site';
import type { LedgerFileRef, LedgerStore } from '../adapters/git/ledger-store';
import { canRenderAccountsApart, FoldCache, FoldPool, renderAccountsApart } from './dashboard-fold';
import { loadRepository } from './repository';
import { openLedger } from './ledger';
import { Reporter } from './reporter';
import { protectedFolders } from './synth';

/** Inputs of `dashboard`. */
export interface DashboardInput {
  /** The repository: documents and the ledger. */
  readonly dir: string;
  /** The site folder: absent, empty, or written by the dashboard before. @default <dir>/.prism/dashboard */
  readonly out?: string;
  /** For commit, PR and workflow links. @default derived from the ledger's workflow run links */
  readonly repoUrl?: string;
  /** Most rows in one table page. @default 250 */
  readonly pageSize?: number;
  /** Where ledger files' folds are kept between builds; false: keep none. @default <dir>/.prism/cache/dashboard */
  readonly cache?: string | false;
  /** @default new Date() */
  readonly now?: Date;
  readonly reporter: Reporter;
}

/** What was built. */
export interface DashboardOutcome {
  readonly out: string;
  readonly policies: number;
  readonly accounts: number;
  readonly lines: number;
  /** Ledger files: all of them, and those parsed (not in the cache). */
  readonly ledgerFiles: number;
  readonly parsed: number;
  readonly files: number;
  readonly bytes: number;
}

/**
 * Reads the repository's documents and folds the ledger branch file by file (rows are never kept),
 * then writes the site atomically. Refuses (usage error, nothing touched) an output folder that is
 * not absent, empty or the dashboard's own.
 */
export async function dashboard(input: DashboardInput): Promise<DashboardOutcome> {
  const out = path.resolve(input.out ?? path.join(input.dir, '.prism', 'dashboard'));
  const checked = loadRepository(input.dir);
  const errors = checked.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors) input.reporter.info(`dashboard: the repository has ${errors} error(s) (prism validate); invalid files are left out of names and descriptions`);
  const store = await openLedger(input.dir, checked.documents.settings, input.reporter);
  const cache = input.cache === false ? undefined : new FoldCache(path.resolve(input.cache ?? path.join(input.dir, '.prism', 'cache', 'dashboard')));
  const documents = checked.documents;
  const options = { generatedAt: input.now ?? new Date(), repoUrl: input.repoUrl, pageSize: input.pageSize };
  let folded: Folded | undefined;
  const written = await replaceOutputFolder(out, { flag: '--out', kind: 'dashboard', protectedDirs: protectedFolders(input.dir) }, async (tmp) => {
    const f = (folded = await foldLedger(await store.fileRefs(), store, cache, input.reporter));
    const agg = f.aggregate;
    // the links are resolved here: the account pages' thread has no ledger to derive them from
    const resolved = { ...options, repoUrl: options.repoUrl ?? deriveRepoUrl(agg) };
    if (!canRenderAccountsApart()) return writePages(tmp, buildDashboardFrom(agg, documents, resolved).pages);
    // the account pages in a worker thread, from the latest rollouts only; the rest here
    const accounts = renderAccountsApart(tmp, LatestTable.of(agg), documents, resolved);
    try {
      const own = writePages(tmp, buildDashboardFrom(agg, documents, resolved, 'policies').pages);
      let rest: WriteResult;
      try {
        rest = await accounts.done;
      } catch (err) {
        input.reporter.info(`dashboard: the account pages' thread failed (${(err as Error).message.split('\n')[0]}); rendering them here`);
        rest = writePages(tmp, buildDashboardFrom(agg, documents, resolved, 'accounts').pages);
      }
      return { files: own.files + rest.files, bytes: own.bytes + rest.bytes };
    } finally {
      await accounts.stop();
    }
  });
  const agg = folded!.aggregate;
  return { out, policies: new Set([...agg.policyNames(), ...checked.documents.policies.keys()]).size, accounts: agg.accounts().length, lines: agg.lines, ledgerFiles: folded!.files, parsed: folded!.parsed, files: written.files + 1, bytes: written.bytes };
}

/** The ledger folded. */
interface Folded {
  readonly aggregate: RolloutAggregate;
  readonly files: number;
  readonly parsed: number;
}

/** Files being read or folded at once, ahead of the one being merged: bounds memory. */
const AHEAD = 8;

/**
 * Folds every ledger file, in ledger order: from the cache when the file is known, else read and
 * folded (in worker threads), and then kept. Folds are merged in ledger order whatever order they
 * finish in; at most AHEAD files are in flight.
 */
async function foldLedger(refs: readonly LedgerFileRef[], store: LedgerStore, cache: FoldCache | undefined, reporter: Reporter): Promise<Folded> {
  const aggregate = new RolloutAggregate();
  const reader = store.reader();
  const pool = new FoldPool();
  let parsed = 0;
  let merged = 0;
  const fold = async (ref: (typeof refs)[number]): Promise<LedgerFold> => {
    const kept = ref.identity !== undefined ? cache?.get(ref.identity) : undefined;
    if (kept) return kept;
    parsed++;
    const r = await pool.fold(ref.path, await reader.read(ref));
    for (const p of r.problems) reporter.info(`dashboard: skipped ${p}`);
    // a file with lines that are not rows is folded again each time, so its problems are reported each time
    if (cache && ref.identity !== undefined && !r.problems.length) cache.put(ref.identity, r.bytes);
    return decodeFold(r.bytes);
  };
  try {
    const inFlight: Promise<LedgerFold>[] = [];
    const mergeNext = async () => {
      aggregate.addFold(await inFlight.shift()!);
      if (++merged % 100 === 0 || merged === refs.length) reporter.progress(merged, refs.length, 'ledger files');
    };
    for (const ref of refs) {
      inFlight.push(fold(ref));
      // a rejection is taken when its turn comes; never left unhandled meanwhile
      inFlight[inFlight.length - 1].catch(() => undefined);
      if (inFlight.length > AHEAD) await mergeNext();
    }
    while (inFlight.length) await mergeNext();
  } finally {
    reader.close();
    await pool.close();
  }
  if (cache) {
    const removed = cache.prune();
    reporter.info(`dashboard: ${refs.length} ledger file(s), ${parsed} parsed${pool.threads ? ` in ${pool.threads} threads` : ''}, ${refs.length - parsed} from the cache${removed ? ` (${removed} stale cache entr${removed === 1 ? 'y' : 'ies'} removed)` : ''}`);
  }
  return { aggregate, files: refs.length, parsed };
}
