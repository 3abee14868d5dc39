/**
 * The organizations lock (`organizations.lock.json` at the repository root, committed): the accounts
 * of every organizational unit that assignments name, as AWS Organizations listed them when `prism
 * organizations --update` last ran. Synth, plan, preview and apply read it, never AWS, so the same
 * commit always gives the same stacks; the scheduled workflow updates it (a pull request, or a commit
 * that is applied) when an account joins or leaves an OU. This module owns its path, schema version,
 * reader and writer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Diagnostic } from '../core/diagnostics';
import { ORGANIZATIONS_LOCK_FILE, OrganizationsSnapshot } from '../model/organizations';
import { writeFileAtomic } from './atomic-file';

export { ORGANIZATIONS_LOCK_FILE };

/** The schema version this Prism reads and writes. */
export const ORGANIZATIONS_LOCK_VERSION = 1;

/** Checks the shape of a parsed snapshot (the lock, or discovery's organizations section); a message for the first problem, or undefined. */
export function checkOrganizationsSnapshot(value: unknown): string | undefined {
  const v = value as OrganizationsSnapshot;
  if (!v || typeof v !== 'object' || typeof v.resolvedAt !== 'string' || !v.organizationalUnits || typeof v.organizationalUnits !== 'object') {
    return 'expected {"resolvedAt": ..., "organizationalUnits": {"ou-...": {"accounts": [...]}}}';
  }
  for (const [unit, m] of Object.entries(v.organizationalUnits)) {
    if (!/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/.test(unit)) return `${JSON.stringify(unit)} is not an organizational unit or root ID`;
    if (!m || !Array.isArray(m.accounts) || !m.accounts.every((a) => typeof a === 'string' && /^\d{12}$/.test(a))) return `${unit}: accounts must be a list of 12-digit account IDs`;
  }
  return undefined;
}

/** Parses the lock's text; a malformed lock is an error diagnostic on the file. */
export function parseOrganizationsLock(text: string): { snapshot?: OrganizationsSnapshot; diagnostics: Diagnostic[] } {
  const bad = (why: string): { diagnostics: Diagnostic[] } => ({
    diagnostics: [
      {
        code: 'organizations/lock',
        severity: 'error',
        message: `${ORGANIZATIONS_LOCK_FILE} is malformed: ${why}`,
        location: { file: ORGANIZATIONS_LOCK_FILE, line: 1, column: 1 },
        hint: 'Regenerate it with prism organizations --update; Prism writes it, people do not edit it.',
      },
    ],
  });
  let value: { version?: unknown } & Record<string, unknown>;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return bad((err as Error).message);
  }
  if (value?.version !== ORGANIZATIONS_LOCK_VERSION) return bad(`version is ${JSON.stringify(value?.version)}; expected ${ORGANIZATIONS_LOCK_VERSION}`);
  const problem = checkOrganizationsSnapshot(value);
  if (problem) return bad(problem);
  return { snapshot: { resolvedAt: value.resolvedAt as string, organizationalUnits: value.organizationalUnits as OrganizationsSnapshot['organizationalUnits'] }, diagnostics: [] };
}

/** The lock's text in the working tree, or undefined when there is none. */
export function readOrganizationsLockText(dir: string): string | undefined {
  const file = path.join(dir, ORGANIZATIONS_LOCK_FILE);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

/** The lock's content for a snapshot: stable (sorted OUs and accounts), so an unchanged membership rewrites the same bytes but for the time. */
export function formatOrganizationsLock(snapshot: OrganizationsSnapshot): string {
  const organizationalUnits: Record<string, { name?: string; accounts: string[] }> = {};
  for (const unit of Object.keys(snapshot.organizationalUnits).sort()) {
    const m = snapshot.organizationalUnits[unit];
    organizationalUnits[unit] = { ...(m.name ? { name: m.name } : {}), accounts: [...m.accounts].sort() };
  }
  return JSON.stringify({ version: ORGANIZATIONS_LOCK_VERSION, resolvedAt: snapshot.resolvedAt, organizationalUnits }, null, 2) + '\n';
}

/** Writes the lock into the working tree atomically; returns its path. */
export function writeOrganizationsLock(dir: string, snapshot: OrganizationsSnapshot): string {
  const file = path.join(dir, ORGANIZATIONS_LOCK_FILE);
  writeFileAtomic(file, formatOrganizationsLock(snapshot));
  return file;
}
