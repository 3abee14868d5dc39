/**
 * Assignments by organizational unit. An assignment may name OUs (and accounts to exclude) besides
 * account IDs; the accounts of each OU are resolved through AWS Organizations by `prism
 * organizations --update` (and `prism discover`) and recorded, so that synth, plan and preview stay
 * offline and reproducible: the same commit always gives the same stacks. Everything here is pure.
 */
import { Diagnostic } from '../core/diagnostics';
import { Assignment, RepoDocuments } from './types';

/** One organizational unit's accounts: every ACTIVE account in it and in its child OUs. */
export interface OrganizationalUnitMembership {
  /** The OU's name in AWS Organizations, for people. */
  readonly name?: string;
  /** Sorted account IDs. */
  readonly accounts: readonly string[];
}

/** What AWS Organizations said, at one moment, about the OUs that assignments name. */
export interface OrganizationsSnapshot {
  readonly resolvedAt: string;
  /** OU (or root) ID -> its accounts. */
  readonly organizationalUnits: Readonly<Record<string, OrganizationalUnitMembership>>;
}

/** The file the snapshot is committed in (src/artifacts/organizations-file.ts reads and writes it). */
export const ORGANIZATIONS_LOCK_FILE = 'organizations.lock.json';

/** Every OU that the assignments name, sorted. */
export function unitsOf(docs: RepoDocuments): string[] {
  const out = new Set<string>();
  for (const a of docs.assignments) for (const u of a.organizationalUnits ?? []) out.add(u.id);
  return [...out].sort();
}

/** The accounts of one assignment, given OU membership: its IDs and its OUs' accounts, minus exclusions. */
export function assignmentAccounts(a: Assignment, snapshot: OrganizationsSnapshot | undefined): { accounts: string[]; unresolved: string[] } {
  const excluded = new Set(a.excludeAccounts ?? []);
  const accounts: string[] = [];
  const add = (id: string) => {
    if (!excluded.has(id) && !accounts.includes(id)) accounts.push(id);
  };
  for (const id of a.accounts) add(id);
  const unresolved: string[] = [];
  for (const u of a.organizationalUnits ?? []) {
    const found = snapshot?.organizationalUnits[u.id];
    if (!found) unresolved.push(u.id);
    else for (const id of [...found.accounts].sort()) add(id);
  }
  return { accounts, unresolved };
}

/**
 * Resolves every assignment's organizational units to accounts. Pure. An OU missing from the
 * snapshot is an error at the place the assignment names it: its accounts are unknown, and guessing
 * none would remove the permission set from them.
 */
export function expandAssignments(docs: RepoDocuments, snapshot: OrganizationsSnapshot | undefined): { documents: RepoDocuments; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (!docs.assignments.some((a) => a.organizationalUnits?.length || a.excludeAccounts?.length)) return { documents: docs, diagnostics };
  const assignments = docs.assignments.map((a): Assignment => {
    const { accounts, unresolved } = assignmentAccounts(a, snapshot);
    for (const id of unresolved) {
      const where = a.organizationalUnits?.find((u) => u.id === id)?.location ?? { file: a.file, line: 1, column: 1 };
      diagnostics.push({
        code: 'organizations/unresolved-unit',
        severity: 'error',
        message: `organizational unit ${id} is not in ${ORGANIZATIONS_LOCK_FILE}, so its accounts are unknown`,
        location: where,
        hint: `Run prism organizations --update (it reads AWS Organizations) and commit ${ORGANIZATIONS_LOCK_FILE}.`,
      });
    }
    return { ...a, accounts };
  });
  return { documents: { ...docs, assignments }, diagnostics };
}

/** How one OU's accounts changed between two snapshots. */
export interface MembershipChange {
  readonly unit: string;
  readonly name?: string;
  readonly joined: readonly string[];
  readonly left: readonly string[];
}

/**
 * The accounts that joined or left each of `units` between `before` and `after`. An OU that only one
 * side resolved is left out: its accounts are newly assigned (or unassigned), not members that moved.
 */
export function membershipChanges(before: OrganizationsSnapshot | undefined, after: OrganizationsSnapshot | undefined, units: readonly string[]): MembershipChange[] {
  const out: MembershipChange[] = [];
  for (const unit of [...new Set(units)].sort()) {
    const b = before?.organizationalUnits[unit];
    const a = after?.organizationalUnits[unit];
    if (!a || !b) continue;
    const joined = a.accounts.filter((x) => !b.accounts.includes(x)).sort();
    const left = b.accounts.filter((x) => !a.accounts.includes(x)).sort();
    if (joined.length || left.length) out.push({ unit, name: a.name ?? b.name, joined, left });
  }
  return out;
}

/** The snapshot restricted to `units` (what the lock keeps: only OUs that assignments name). */
export function restrictSnapshot(snapshot: OrganizationsSnapshot, units: readonly string[]): OrganizationsSnapshot {
  const organizationalUnits: Record<string, OrganizationalUnitMembership> = {};
  for (const u of [...units].sort()) if (snapshot.organizationalUnits[u]) organizationalUnits[u] = snapshot.organizationalUnits[u];
  return { resolvedAt: snapshot.resolvedAt, organizationalUnits };
}

/** Whether two snapshots give every OU the same accounts (resolution times aside). */
export function sameMembership(a: OrganizationsSnapshot | undefined, b: OrganizationsSnapshot | undefined): boolean {
  const key = (s: OrganizationsSnapshot | undefined) =>
    JSON.stringify(Object.entries(s?.organizationalUnits ?? {}).sort(([x], [y]) => (x < y ? -1 : 1)).map(([u, m]) => [u, [...m.accounts].sort()]));
  return key(a) === key(b);
}
