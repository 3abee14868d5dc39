/**
 * The repository as every use case reads it: validated, with the organizational units of its
 * assignments resolved from the committed organizations lock (never from AWS), in the working tree
 * or at a commit.
 */
import { ORGANIZATIONS_LOCK_FILE, parseOrganizationsLock, readOrganizationsLockText } from '../artifacts/organizations-file';
import { Diagnostic, sortDiagnostics } from '../core/diagnostics';
import { parseRepo } from '../load/parse-repo';
import { expandAssignments, OrganizationsSnapshot, unitsOf } from '../model/organizations';
import { RepoDocuments } from '../model/types';
import { CheckedRepo, loadAndValidate } from '../validate/load-and-validate';
import { validateRepo } from '../validate/validate';

/** A validated repository with organizational units resolved to accounts. */
export interface Repository extends CheckedRepo {
  /** The committed lock, when the repository has one. */
  readonly organizations?: OrganizationsSnapshot;
}

/**
 * Resolves organizational units with the lock's text (undefined: no lock). Assignments keep their
 * OUs, and their accounts become the IDs listed plus the OUs' accounts, minus exclusions. Pure.
 */
export function resolveUnits(documents: RepoDocuments, diagnostics: readonly Diagnostic[], lockText: string | undefined): { documents: RepoDocuments; diagnostics: Diagnostic[]; organizations?: OrganizationsSnapshot } {
  const lock = lockText === undefined ? { diagnostics: [] as Diagnostic[], snapshot: undefined } : parseOrganizationsLock(lockText);
  if (unitsOf(documents).length === 0) return { documents, diagnostics: sortDiagnostics([...diagnostics, ...lock.diagnostics]), ...(lock.snapshot ? { organizations: lock.snapshot } : {}) };
  const expanded = expandAssignments(documents, lock.snapshot);
  return { documents: expanded.documents, diagnostics: sortDiagnostics([...diagnostics, ...lock.diagnostics, ...expanded.diagnostics]), ...(lock.snapshot ? { organizations: lock.snapshot } : {}) };
}

/** Reads the working tree, validates it and resolves its organizational units. */
export function loadRepository(dir: string): Repository {
  const checked = loadAndValidate(dir);
  return { ...checked, ...resolveUnits(checked.documents, checked.diagnostics, readOrganizationsLockText(dir)) };
}

/** The same for a commit (read with git, the working tree untouched). */
export async function loadRepositoryAtRef(dir: string, ref: string): Promise<Repository> {
  // git only when a commit is read: validate and synth of the working tree never load it
  const [{ readRepoAtRef }, { readFileAtRef }] = await Promise.all([import('../adapters/git/read-tree'), import('../adapters/git/show-file')]);
  const [entries, lockText] = await Promise.all([readRepoAtRef(dir, ref), readFileAtRef(dir, ref, ORGANIZATIONS_LOCK_FILE)]);
  const loaded = parseRepo(entries);
  const validated = validateRepo(loaded);
  return { ...validated, ledger: loaded.ledger, ...resolveUnits(validated.documents, validated.diagnostics, lockText) };
}
