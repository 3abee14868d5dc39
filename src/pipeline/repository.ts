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
import * as fs from 'node:fs';
import { usageError } from '../core/errors';
import { contentFingerprint } from '../load/content-fingerprint';
import { RawEntry } from '../load/parsed-file';
import { readRepoFromDisk } from '../load/read-repo';
import { CheckedRepo } from '../validate/load-and-validate';
import { validateRepo } from '../validate/validate';

/** A validated repository with organizational units resolved to accounts. */
export interface Repository extends CheckedRepo {
  /** The committed lock, when the repository has one. */
  readonly organizations?: OrganizationsSnapshot;
  /** The fingerprint of its user files and organizations lock (what apply checks was reviewed). */
  readonly fingerprint: string;
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

/**
 * The fingerprint of what a reviewer reviewed: the user files and the organizations lock (which
 * decides the accounts of every organizational unit), so that apply can check it applies that.
 */
function fingerprintOf(entries: readonly RawEntry[], lockText: string | undefined): string {
  return contentFingerprint(lockText === undefined ? entries : [...entries, { path: ORGANIZATIONS_LOCK_FILE, bytes: Buffer.from(lockText, 'utf8') }]);
}

/** Validates read entries and resolves their organizational units with the lock's text. */
function checkEntries(entries: readonly RawEntry[], lockText: string | undefined): Repository {
  const validated = validateRepo(parseRepo(entries));
  return { ...validated, fingerprint: fingerprintOf(entries, lockText), ...resolveUnits(validated.documents, validated.diagnostics, lockText) };
}

/** Reads the working tree, validates it and resolves its organizational units. */
export function loadRepository(dir: string): Repository {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw usageError(`--dir ${dir} is not a folder`);
  return checkEntries(readRepoFromDisk(dir), readOrganizationsLockText(dir));
}

/** The same for a commit (read with git, the working tree untouched). */
export async function loadRepositoryAtRef(dir: string, ref: string): Promise<Repository> {
  // git only when a commit is read: validate and synth of the working tree never load it
  const [{ readRepoAtRef }, { readFileAtRef }] = await Promise.all([import('../adapters/git/read-tree'), import('../adapters/git/show-file')]);
  const [entries, lockText] = await Promise.all([readRepoAtRef(dir, ref), readFileAtRef(dir, ref, ORGANIZATIONS_LOCK_FILE)]);
  return checkEntries(entries, lockText);
}
