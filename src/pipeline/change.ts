import * as fs from 'node:fs';
import { resolveRef } from '../adapters/git/read-tree';
import { Diagnostic } from '../core/diagnostics';
import { usageError } from '../core/errors';
import { loadDiscoveryResults } from '../artifacts/discovery-file';
import { LedgerContent } from '../artifacts/ledger';
import { buildModel } from '../model/build-model';
import { DeploymentModel } from '../model/desired-state';
import { DiscoveryResults } from '../model/discovery';
import { MaterialisedPair, materialisedPairs } from '../model/rollout';
import { RepoDocuments } from '../model/types';
import { AccountChange, affectedAccounts, diffModels, LibraryChanges, libraryChanges } from '../change/change-set';
import { OrganizationsSnapshot } from '../model/organizations';
import { readLedger } from './ledger';
import { Reporter } from './reporter';
import { loadRepository, loadRepositoryAtRef } from './repository';

/** One side of a change: the repository at a commit or in the working tree. */
export interface Side {
  readonly label: string;
  /** The fingerprint of its user files (src/load/content-fingerprint.ts). */
  readonly fingerprint: string;
  readonly diagnostics: Diagnostic[];
  readonly documents: RepoDocuments;
  /** The organizations lock of this side. */
  readonly organizations?: OrganizationsSnapshot;
}

/** Both sides of a change and everything derived from them. */
export interface ChangeContext {
  readonly dir: string;
  readonly base: Side;
  readonly head: Side;
  readonly baseCommit: string;
  /** The commit of `--head`, when one was given. */
  readonly headCommit?: string;
  /** The rollout ledger, as the ledger branch has it. */
  readonly ledger: LedgerContent;
  readonly materialised: ReadonlyMap<string, MaterialisedPair>;
  readonly discovery?: DiscoveryResults;
  readonly library: LibraryChanges;
  /** Accounts the change can affect; only these are built and diffed. */
  readonly affected: ReadonlySet<string>;
  readonly baseModel: DeploymentModel;
  readonly headModel: DeploymentModel;
  readonly changes: AccountChange[];
  /** Accounts in the organisation, for "work done as a fraction of a full synth". */
  readonly totalAccounts: number;
}

/** Every account an assignment names, at base or at head. */
function assignedAccounts(base: RepoDocuments, head: RepoDocuments): Set<string> {
  const out = new Set<string>();
  for (const docs of [base, head]) for (const a of docs.assignments) for (const id of a.accounts) out.add(id);
  return out;
}

async function readSide(dir: string, ref: string | undefined): Promise<Side> {
  const repo = ref ? await loadRepositoryAtRef(dir, ref) : loadRepository(dir);
  return { label: ref ?? 'working tree', fingerprint: repo.fingerprint, diagnostics: repo.diagnostics, documents: repo.documents, ...(repo.organizations ? { organizations: repo.organizations } : {}) };
}

/** Reads base (from git) and head (working tree, or a ref), and diffs the accounts the change affects. */
export async function loadChange(options: { dir: string; base: string; head?: string; discoveryFile?: string; all?: boolean; reporter: Reporter }): Promise<ChangeContext> {
  const { dir } = options;
  if (!fs.existsSync(dir)) throw usageError(`--dir ${dir} does not exist`);
  const baseCommit = await resolveRef(dir, options.base);
  const headCommit = options.head ? await resolveRef(dir, options.head) : undefined;
  const [base, head] = await Promise.all([readSide(dir, options.base), readSide(dir, options.head)]);
  const discovery = loadDiscoveryResults(dir, options.discoveryFile);
  // the ledger records what was applied, whatever the commit under review
  const ledger = await readLedger(dir, head.documents.settings, options.reporter);
  const materialised = materialisedPairs(ledger.rows);
  const library = libraryChanges(base.documents, head.documents);
  const assigned = assignedAccounts(base.documents, head.documents);
  // --all: every assigned account, and every account where the ledger says something is materialised
  const affected = options.all ? new Set([...assigned, ...[...materialised.values()].map((p) => p.account)]) : affectedAccounts(base.documents, head.documents, library, materialised);
  const baseModel = buildModel(base.documents, { materialised, accounts: affected });
  const headModel = buildModel(head.documents, { materialised, base: base.documents, discovery, accounts: affected });
  return {
    dir,
    base,
    head,
    baseCommit,
    ...(headCommit ? { headCommit } : {}),
    ledger,
    materialised,
    discovery,
    library,
    affected,
    baseModel,
    headModel,
    changes: diffModels(baseModel, headModel),
    totalAccounts: assigned.size,
  };
}
