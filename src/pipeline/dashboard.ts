/** The dashboard use case: the rollout ledger as a static site, with the repository for names. */
import * as path from 'node:path';
import { replaceOutputFolder } from '../artifacts/atomic-file';
import { parseLedger } from '../artifacts/ledger';
import { RolloutAggregate } from '../dashboard/aggregate';
import { buildDashboardFrom } from '../dashboard/build-dashboard';
import { writePages } from '../dashboard/write-site';
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
  readonly files: number;
  readonly bytes: number;
}

/**
 * Reads the repository's documents and folds the ledger branch row by row (one ledger file in
 * memory at a time), then writes the site atomically. Refuses (usage error, nothing touched) an output folder
 * that is not absent, empty or the dashboard's own.
 */
export async function dashboard(input: DashboardInput): Promise<DashboardOutcome> {
  const out = path.resolve(input.out ?? path.join(input.dir, '.prism', 'dashboard'));
  const checked = loadRepository(input.dir);
  const errors = checked.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors) input.reporter.info(`dashboard: the repository has ${errors} error(s) (prism validate); invalid files are left out of names and descriptions`);
  // the ledger branch, streamed one file at a time: the dashboard folds rows and never keeps them
  const store = await openLedger(input.dir, checked.documents.settings, input.reporter);
  const aggregate = new RolloutAggregate();
  for await (const file of store.fileStream()) {
    const { rows: fileRows, problems } = parseLedger([file]);
    for (const p of problems) input.reporter.info(`dashboard: skipped ${p}`);
    aggregate.addAll(fileRows);
  }
  const built = buildDashboardFrom(aggregate, checked.documents, { generatedAt: input.now ?? new Date(), repoUrl: input.repoUrl, pageSize: input.pageSize });
  const written = await replaceOutputFolder(out, { flag: '--out', kind: 'dashboard', protectedDirs: protectedFolders(input.dir) }, (tmp) => writePages(tmp, built.pages));
  const agg = built.aggregate;
  return { out, policies: new Set([...agg.policyNames(), ...checked.documents.policies.keys()]).size, accounts: agg.accounts().length, lines: agg.lines, files: written.files + 1, bytes: written.bytes };
}
