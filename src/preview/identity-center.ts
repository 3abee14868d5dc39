/**
 * The preview in IAM Identity Center terms, and organizational units that gained or lost accounts.
 * Pure: built from the diff of two identity-center states and the organizations locks, rendered as
 * markdown lines and JSON for src/preview/render.ts.
 */
import { ChangeKind } from '../change/change-set';
import { IdentityCenterChanges } from '../model/identity-center';
import { MembershipChange } from '../model/organizations';
import { principalKey } from '../core/naming';

/** What the identity-center stack will do, for reviewers. */
export interface IdentityCenterPreview {
  readonly permissionSets: IdentityCenterChanges['permissionSets'];
  readonly assignmentsAdded: readonly { readonly permissionSet: string; readonly account: string; readonly principal: string }[];
  readonly assignmentsRemoved: readonly { readonly permissionSet: string; readonly account: string; readonly principal: string }[];
  /** Permission set -> accounts (re)provisioned. */
  readonly reprovisioned: Readonly<Record<string, readonly string[]>>;
  /** Accounts the ledger says are not ready (a policy rollout failed there): they are not provisioned until a retry succeeds. */
  readonly blocked: Readonly<Record<string, string>>;
}

/** Organizational units whose accounts changed. */
export interface OrganizationsPreview {
  /** Between the organizations lock at base (the last apply) and at head: part of this change. */
  readonly sinceLastApply: readonly MembershipChange[];
  /** Between the head's lock and what discovery found in AWS Organizations now: not part of this change. */
  readonly notYetLocked: readonly MembershipChange[];
}

const describe = (p: { type: 'GROUP' | 'USER'; name?: string; id?: string }) => `${p.type === 'GROUP' ? 'group' : 'user'} ${p.name ?? p.id}`;

/** The identity-center part of the preview. Pure. */
export function buildIdentityCenterPreview(changes: IdentityCenterChanges, blocked: ReadonlyMap<string, string>): IdentityCenterPreview {
  const row = (a: { permissionSet: string; account: string; principal: { type: 'GROUP' | 'USER'; name?: string; id?: string } }) => ({ permissionSet: a.permissionSet, account: a.account, principal: describe(a.principal), key: principalKey(a.principal) });
  const strip = ({ key: _k, ...rest }: ReturnType<typeof row>) => rest;
  return {
    permissionSets: changes.permissionSets,
    assignmentsAdded: changes.assignmentsAdded.map(row).map(strip),
    assignmentsRemoved: changes.assignmentsRemoved.map(row).map(strip),
    reprovisioned: Object.fromEntries(changes.reprovisioned),
    blocked: Object.fromEntries([...blocked].sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

/** How many distinct accounts a policy's change of `kind` reprovisions: an edit none (IdC references a policy by name). */
export function reprovisionCount(kind: ChangeKind, rows: readonly { kind: ChangeKind; account: string; permissionSets: readonly string[] }[]): number {
  if (kind === 'edit') return 0;
  return new Set(rows.filter((r) => r.kind === kind && r.permissionSets.length > 0).map((r) => r.account)).size;
}

/** The product's sentence for each kind of change, in IAM Identity Center terms. */
export function identityCenterSentence(kind: ChangeKind, k: { accounts: readonly string[]; permissionSets: readonly string[] }, reprovisioned: number, list: (names: readonly string[]) => string): string {
  const n = k.accounts.length;
  const sets = `Affected permission sets: ${list(k.permissionSets)}; ${reprovisioned} account(s) will be reprovisioned`;
  switch (kind) {
    case 'edit':
      return `This will update the policy in ${n} account(s). ${sets} (IAM Identity Center references the policy by name, so the new version applies without reprovisioning).`;
    case 'create':
      return `This will create the policy in ${n} account(s), and only then provision the permission sets that reference it there. ${sets}.`;
    case 'adopt':
      return `This will adopt the existing policy in ${n} account(s): import it, tag it \`Prism:Adopted\`, and replace its document with this one. ${sets}.`;
    case 'attach':
      return `This will add the policy to ${k.permissionSets.length} permission set(s) in ${n} account(s), once it exists in each. ${sets}.`;
    case 'detach':
      return `This will remove the policy from ${k.permissionSets.length} permission set(s) in ${n} account(s). ${sets}. The IAM policy stays in each account.`;
    case 'delete':
      return `This will remove the policy from its permission sets, reprovision, and then delete the IAM policy from ${n} account(s). ${sets}. This cannot be undone.`;
  }
}

/** The markdown block on the identity-center stack. */
export function identityCenterLines(p: IdentityCenterPreview, code: (s: string) => string): string[] {
  const changed = p.permissionSets.length || p.assignmentsAdded.length || p.assignmentsRemoved.length;
  const blocked = Object.entries(p.blocked);
  if (!changed && blocked.length === 0) return [];
  const lines = ['### IAM Identity Center', ''];
  const reprovisioned = new Set(Object.values(p.reprovisioned).flat()).size;
  lines.push(`${p.permissionSets.length} permission set change(s), ${p.assignmentsAdded.length} account assignment(s) to create and ${p.assignmentsRemoved.length} to delete; ${reprovisioned} account(s) will be provisioned or reprovisioned, each only after its policy stack succeeded.`, '');
  for (const c of p.permissionSets) {
    const what = [
      ...(c.cmpAdded.length ? [`references ${c.cmpAdded.map((x) => code(`Prism-${x}`)).join(', ')}`] : []),
      ...(c.cmpRemoved.length ? [`no longer references ${c.cmpRemoved.map((x) => code(`Prism-${x}`)).join(', ')}`] : []),
      ...(c.otherChanges && c.kind === 'update' ? ['other settings change (AWS managed or inline policy, boundary, session duration, description or tags)'] : []),
    ];
    const accounts = p.reprovisioned[c.permissionSet] ?? [];
    lines.push(`- ${code(c.permissionSet)}: ${c.kind}${what.length ? `; ${what.join('; ')}` : ''}${accounts.length ? `; reprovisions ${accounts.length} account(s)` : ''}`);
  }
  if (p.permissionSets.length) lines.push('');
  const table = (title: string, rows: IdentityCenterPreview['assignmentsAdded']) => {
    if (!rows.length) return;
    lines.push(`<details><summary>${rows.length} assignment(s) to ${title}</summary>`, '', '| Account | Permission set | Principal |', '| --- | --- | --- |');
    for (const r of rows.slice(0, 200)) lines.push(`| ${r.account} | ${code(r.permissionSet)} | ${code(r.principal)} |`);
    if (rows.length > 200) lines.push(`| … | ${rows.length - 200} more | |`);
    lines.push('', '</details>', '');
  };
  table('create', p.assignmentsAdded);
  table('delete', p.assignmentsRemoved);
  for (const [account, why] of blocked) lines.push(`> ⚠️ Account ${account} is not provisioned until its policy stack succeeds: ${why.replace(/[<>`|]/g, '')}.`, '');
  return lines;
}

/** The markdown block on organizational units whose accounts changed. */
export function organizationsLines(p: OrganizationsPreview, code: (s: string) => string): string[] {
  if (!p.sinceLastApply.length && !p.notYetLocked.length) return [];
  const lines = ['### Organizational units', ''];
  const label = (c: MembershipChange) => `${code(c.unit)}${c.name ? ` (${c.name.replace(/[<>`|*_[\]\\]/g, '')})` : ''}`;
  for (const c of p.sinceLastApply) {
    if (c.joined.length) lines.push(`- ${label(c)}: ${c.joined.length} account(s) joined since the last apply (${c.joined.join(', ')}); they get its assignments with this change.`);
    if (c.left.length) lines.push(`- ${label(c)}: ${c.left.length} account(s) left since the last apply (${c.left.join(', ')}); they lose its assignments with this change.`);
  }
  for (const c of p.notYetLocked) {
    const moved = [...c.joined.map((a) => `${a} joined`), ...c.left.map((a) => `${a} left`)].join(', ');
    lines.push(`> ⚠️ AWS Organizations lists a change in ${label(c)} that organizations.lock.json does not have yet (${moved}): this change does not deploy it; the scheduled prism organizations workflow (or prism organizations --update) will.`);
  }
  lines.push('');
  return lines;
}
