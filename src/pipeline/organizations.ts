/**
 * The organizations use case: resolve the organizational units that assignments name through AWS
 * Organizations, compare them with the committed organizations lock, and (with `update`) write the
 * lock. The scheduled workflow calls it: an account that joined or left an assigned OU becomes a
 * pull request, or a commit that is applied, as StackSets' automatic deployment would deploy it.
 */
import * as path from 'node:path';
import { setStepOutput } from '../adapters/github/actions';
import { writeFileAtomic } from '../artifacts/atomic-file';
import { mdCode, mdText } from '../core/markdown';
import { ORGANIZATIONS_LOCK_FILE, writeOrganizationsLock } from '../artifacts/organizations-file';
import { usageError } from '../core/errors';
import { MembershipChange, membershipChanges, OrganizationsSnapshot, restrictSnapshot, sameMembership, unitsOf } from '../model/organizations';
import { Refused, refuseOnErrors, Reporter } from './reporter';
import { loadRepository } from './repository';

/** Inputs of `organizations`. */
export interface OrganizationsInput {
  readonly dir: string;
  /** Write the lock when membership changed (or OUs were added to or removed from assignments). */
  readonly update?: boolean;
  /** @default () => new Date() */
  readonly now?: () => Date;
  readonly reporter: Reporter;
}

/** What `organizations` found. */
export interface OrganizationsOutcome {
  readonly kind: 'resolved';
  readonly units: readonly string[];
  readonly live: OrganizationsSnapshot;
  /** Accounts that joined or left an OU since the lock was written. */
  readonly changes: readonly MembershipChange[];
  /** OUs that assignments name but the lock does not have, and OUs the lock has that no assignment names. */
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Whether the lock differs from what AWS Organizations says now. */
  readonly stale: boolean;
  /** Set when the lock was written. */
  readonly written?: string;
  /** The pull request body (or commit message) describing the change, as markdown. */
  readonly markdown: string;
}

/** The markdown that describes a membership change, for the pull request the workflow opens. */
export function renderMembershipChange(o: Pick<OrganizationsOutcome, 'changes' | 'added' | 'removed' | 'stale'>): string {
  if (!o.stale) return `AWS Organizations matches \`${ORGANIZATIONS_LOCK_FILE}\`: no account joined or left an assigned organizational unit.`;
  const lines = [`## Prism: organizational units changed`, '', `\`${ORGANIZATIONS_LOCK_FILE}\` is updated from AWS Organizations. Merging applies the assignments to the accounts that joined, and removes them from the accounts that left, as StackSets' automatic deployment would.`, ''];
  for (const c of o.changes) {
    const label = c.name ? `${mdCode(c.unit)} (${mdText(c.name)})` : mdCode(c.unit);
    if (c.joined.length) lines.push(`- ${label}: joined ${c.joined.map(mdCode).join(', ')}`);
    if (c.left.length) lines.push(`- ${label}: left ${c.left.map(mdCode).join(', ')}`);
  }
  for (const u of o.added) lines.push(`- ${mdCode(u)}: newly named by an assignment`);
  for (const u of o.removed) lines.push(`- ${mdCode(u)}: no longer named by any assignment`);
  lines.push('', 'The propagation preview on this pull request shows what each account gets.');
  return lines.join('\n');
}

/** Resolves the assigned OUs through AWS Organizations and compares them with the lock; writes the lock with `update`. */
export async function organizations(input: OrganizationsInput): Promise<Refused | OrganizationsOutcome | { kind: 'none'; why: string }> {
  const repo = loadRepository(input.dir);
  // the lock may be stale or missing: that is what this command fixes, so its own errors do not refuse
  const refused = refuseOnErrors(
    repo.diagnostics.filter((d) => !d.code.startsWith('organizations/')),
    'nothing was resolved',
  );
  if (refused) return refused;
  const units = unitsOf(repo.documents);
  const settings = repo.documents.settings;
  if (units.length === 0 && !repo.organizations) {
    setStepOutput('changed', 'false');
    return { kind: 'none', why: 'no assignment names an organizational unit' };
  }
  const account = settings.organizations.account;
  let live: OrganizationsSnapshot = { resolvedAt: (input.now ?? (() => new Date()))().toISOString(), organizationalUnits: {} };
  if (units.length) {
    if (!account) throw usageError('assignments name organizational units, but cdktf.json names no account to read AWS Organizations from', 'Set organizations.account (or identityCenter.account) in context.prism.');
    const { resolveOrganizationalUnits } = await import('../adapters/aws/organizations');
    input.reporter.info(`organizations: resolving ${units.length} organizational unit(s) in account ${account}`);
    live = await resolveOrganizationalUnits(units, { account, role: settings.organizations.role, region: settings.region, now: input.now });
  }
  const lock = repo.organizations;
  const changes = membershipChanges(lock, live, units);
  const lockUnits = Object.keys(lock?.organizationalUnits ?? {});
  const added = units.filter((u) => !lockUnits.includes(u));
  const removed = lockUnits.filter((u) => !units.includes(u)).sort();
  const restricted = restrictSnapshot(live, units);
  const stale = !sameMembership(lock, restricted);
  const outcome = { changes, added, removed, stale };
  let written: string | undefined;
  if (input.update && stale) written = writeOrganizationsLock(input.dir, restricted);
  // the scheduled workflow commits the lock when this is true
  setStepOutput('changed', String(Boolean(written)));
  return { kind: 'resolved', units, live: restricted, ...outcome, ...(written ? { written } : {}), markdown: renderMembershipChange(outcome) };
}

/** Writes the report to `file` (resolved from the current folder), atomically. */
export function writeOrganizationsReport(file: string, text: string): void {
  writeFileAtomic(path.resolve(file), text);
}
