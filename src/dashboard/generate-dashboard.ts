import { usageError } from '../core/errors';
import { loadAndValidate } from '../validate/load-and-validate';
import { buildDashboard } from './build-dashboard';
import { readLedgerRows } from './read-ledger';
import { inspectOutFolder, MANIFEST_FILE, writeSite } from './write-site';

/** What `generateDashboard` reads and writes. */
export interface GenerateDashboardOptions {
  /** The repository root: documents and the ledger. */
  readonly dir: string;
  /** The site folder: absent, empty, or written by the dashboard before. */
  readonly out: string;
  /** For commit, PR and workflow links. @default derived from the ledger's workflow run links */
  readonly repoUrl?: string;
  /** Most rows in one table page. @default 250 */
  readonly pageSize?: number;
  /** @default new Date() */
  readonly now?: Date;
  /** Warnings: ledger lines that are not rows, repository errors. @default none */
  readonly log?: (line: string) => void;
}

/** What was built. */
export interface DashboardResult {
  readonly policies: number;
  readonly accounts: number;
  readonly lines: number;
  readonly files: number;
  readonly bytes: number;
}

/**
 * `prism dashboard` as a use case: reads the repository's documents and its ledger, builds the site
 * and writes it atomically into `out`. Refuses (usage error, nothing touched) an `out` that is not
 * absent, empty or the dashboard's own.
 */
export function generateDashboard(o: GenerateDashboardOptions): DashboardResult {
  const log = o.log ?? (() => {});
  const state = inspectOutFolder(o.out);
  if (state.kind === 'refused') {
    throw usageError(`--out ${o.out} ${state.reason}; nothing was written`, `prism dashboard writes only into a folder that is absent, empty, or one it wrote before (marked by ${MANIFEST_FILE}). Choose another --out.`);
  }
  const checked = loadAndValidate(o.dir);
  const errors = checked.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors) log(`dashboard: the repository has ${errors} error(s) (prism validate); invalid files are left out of names and descriptions`);
  const generatedAt = o.now ?? new Date();
  const dashboard = buildDashboard(
    readLedgerRows(o.dir, (p) => log(`dashboard: skipped ${p}`)),
    checked.documents,
    { generatedAt, repoUrl: o.repoUrl, pageSize: o.pageSize },
  );
  const written = writeSite(o.out, dashboard.pages, generatedAt);
  const agg = dashboard.aggregate;
  return { policies: new Set([...agg.policyNames(), ...checked.documents.policies.keys()]).size, accounts: agg.accounts().length, lines: agg.lines, ...written };
}
