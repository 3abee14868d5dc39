import { Diagnostic } from '../core/diagnostics';
import { DiscoveryResults } from '../model/discovery';
import { normalizePolicy } from '../model/normalize';
import { RepoDocuments } from '../model/types';
import { AccountChange, ChangeKind, CHANGE_KINDS, LibraryChanges } from '../change/change-set';
import { EditClassification } from '../change/classify';
import { unifiedDiff } from './line-diff';
import { PlanSummary } from '../model/terraform';
import { IdentityCenterPreview, OrganizationsPreview } from './identity-center';

/** One changed policy's part of the preview. */
export interface PolicyPreview {
  readonly name: string;
  readonly description?: string;
  /** Change kinds present, most consequential first. */
  readonly kinds: readonly ChangeKind[];
  readonly rows: readonly AccountChange[];
  /** Per change kind: the accounts and the permission sets that cause it. */
  readonly byKind: Readonly<Partial<Record<ChangeKind, { accounts: string[]; permissionSets: string[]; roles: number }>>>;
  /** Unified diff of the normalised, pretty-printed document; '' when unchanged. */
  readonly diff: string;
  /** The policy changed in the library but no account has it: nothing propagates. */
  readonly libraryOnly: boolean;
  readonly warnings: readonly string[];
  /** For deletes: whether the pull request confirmed deleting exactly this policy. */
  readonly deleteConfirmed?: boolean;
  /** For edits: additive, breaking or mixed, with the action delta. */
  readonly classification?: EditClassification;
}

/** The whole propagation preview, before rendering. */
export interface Preview {
  readonly baseCommit: string;
  readonly headLabel: string;
  readonly validation: readonly Diagnostic[];
  readonly policies: readonly PolicyPreview[];
  readonly accounts: number;
  /** Accounts whose desired state was built, out of the organisation: the work done. */
  readonly work: { readonly accountsBuilt: number; readonly totalAccounts: number };
  readonly plan?: readonly PlanSummary[];
  /** Deletes not yet confirmed: the check fails until each is. */
  readonly unconfirmedDeletes: readonly string[];
  /** Identity-center mode: the identity-center stack's changes; sentences speak of permission sets and reprovisioning. */
  readonly identityCenter?: IdentityCenterPreview;
  /** Organizational units whose accounts changed. */
  readonly organizations?: OrganizationsPreview;
}

/** Inputs of `buildPreview`. */
export interface PreviewInput {
  readonly baseCommit: string;
  readonly headLabel: string;
  readonly base: RepoDocuments;
  readonly head: RepoDocuments;
  readonly headDiagnostics: readonly Diagnostic[];
  readonly library: LibraryChanges;
  readonly changes: readonly AccountChange[];
  readonly discovery?: DiscoveryResults;
  readonly plan?: readonly PlanSummary[];
  /** Policy names whose deletion the pull request confirmed. */
  readonly confirmedDeletes: ReadonlySet<string>;
  /** Edit classifications by policy (computed with iam-expand before the preview is built). */
  readonly classifications?: ReadonlyMap<string, EditClassification>;
  readonly work: { readonly accountsBuilt: number; readonly totalAccounts: number };
  readonly identityCenter?: IdentityCenterPreview;
  readonly organizations?: OrganizationsPreview;
}

const pretty = (doc: object | undefined) => (doc ? JSON.stringify(normalizePolicy(doc as Record<string, unknown>), null, 2) : '');

/** Builds the preview from a change set. Pure. */
export function buildPreview(input: PreviewInput): Preview {
  const byPolicy = new Map<string, AccountChange[]>();
  for (const c of input.changes) {
    const list = byPolicy.get(c.policy) ?? [];
    list.push(c);
    byPolicy.set(c.policy, list);
  }
  // library changes that reach no account
  const libraryTouched = [...input.library.addedPolicies, ...input.library.editedPolicies, ...input.library.removedPolicies];
  for (const name of libraryTouched) if (!byPolicy.has(name)) byPolicy.set(name, []);

  const policies: PolicyPreview[] = [...byPolicy.keys()].sort().map((name) => {
    const rows = byPolicy.get(name)!;
    const byKind: Partial<Record<ChangeKind, { accounts: string[]; permissionSets: string[]; roles: number }>> = {};
    for (const r of rows) {
      const k = (byKind[r.kind] ??= { accounts: [], permissionSets: [], roles: 0 });
      if (!k.accounts.includes(r.account)) k.accounts.push(r.account);
      for (const ps of r.permissionSets) if (!k.permissionSets.includes(ps)) k.permissionSets.push(ps);
      k.roles += r.permissionSets.length;
    }
    for (const k of Object.values(byKind)) k!.permissionSets.sort();
    const kinds = CHANGE_KINDS.filter((k) => byKind[k]);
    const warnings: string[] = [];
    const deleting = new Set(byKind.delete?.accounts ?? []);
    for (const [account, a] of Object.entries(input.discovery?.accounts ?? {})) {
      const found = a.policies[name];
      if (!found) continue;
      if (deleting.has(account) && found.nonPrismAttachments?.length) {
        const what = found.nonPrismAttachments.map((e) => `${e.type} ${e.name}`).join(', ');
        warnings.push(`still attached to non-Prism entities in account ${account} (${what}); the delete will be refused there until they are detached.`);
      }
      if (found.drift) warnings.push(`Prism-${name} in account ${account} was edited outside Prism (default version ${found.defaultVersionId ?? '?'}); this change overwrites that edit.`);
    }
    for (const a of Object.keys(input.discovery?.accounts ?? {})) {
      const d = input.discovery!.accounts[a];
      if (d.status === 'error' && rows.some((r) => r.account === a)) warnings.push(`discovery could not look into account ${a} (${d.error?.code}): adoption and attachments there are unknown.`);
    }
    const base = input.base.policies.get(name);
    const head = input.head.policies.get(name);
    const classification = input.classifications?.get(name);
    if (classification && (classification.denyWeakened.actions.length || classification.denyWeakened.statements)) {
      const what = classification.denyWeakened.actions.length ? `no longer denies ${classification.denyWeakened.actions.slice(0, 10).join(', ')}${classification.denyWeakened.actions.length > 10 ? ', …' : ''}` : `changes or removes ${classification.denyWeakened.statements} Deny statement(s)`;
      warnings.push(`this edit weakens an existing Deny: it ${what}.`);
    }
    // risky grants that validation found in this policy's file, each with its line
    for (const d of input.headDiagnostics) {
      if (d.code.startsWith('risk/') && head && d.location?.file === head.file) warnings.push(`${d.message} (line ${d.location.line})`);
    }
    return {
      name,
      description: head?.description ?? base?.description,
      kinds,
      rows,
      byKind,
      diff: unifiedDiff(pretty(base?.document), pretty(head?.document), { fromLabel: base ? `a/${base.file}` : '/dev/null', toLabel: head ? `b/${head.file}` : '/dev/null' }),
      libraryOnly: rows.length === 0,
      warnings,
      ...(byKind.delete ? { deleteConfirmed: input.confirmedDeletes.has(name) } : {}),
      ...(classification ? { classification } : {}),
    };
  });
  const accounts = new Set(input.changes.map((c) => c.account)).size;
  return {
    baseCommit: input.baseCommit,
    headLabel: input.headLabel,
    validation: input.headDiagnostics.filter((d) => d.severity !== 'note'),
    policies,
    accounts,
    work: input.work,
    ...(input.plan ? { plan: input.plan } : {}),
    unconfirmedDeletes: policies.filter((p) => p.deleteConfirmed === false).map((p) => p.name),
    ...(input.identityCenter ? { identityCenter: input.identityCenter } : {}),
    ...(input.organizations && (input.organizations.sinceLastApply.length || input.organizations.notYetLocked.length) ? { organizations: input.organizations } : {}),
  };
}

/**
 * Reads delete confirmations from a pull request: a label `prism:delete:<Policy>` or a line
 * `Prism-Confirm-Delete: <Policy>` in the description, naming exactly one policy each.
 */
export function confirmedDeletes(labels: readonly string[], body: string): Set<string> {
  const out = new Set<string>();
  for (const l of labels) {
    const m = /^prism:delete:(.+)$/.exec(l.trim());
    if (m) out.add(m[1].trim());
  }
  for (const line of body.split(/\r?\n/)) {
    const m = /^\s*Prism-Confirm-Delete:\s*(\S+)\s*$/.exec(line);
    if (m) out.add(m[1]);
  }
  return out;
}
