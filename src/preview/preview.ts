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

/** Where and when the preview was made: the tfcmt-style header. */
export interface PreviewHeader {
  /** The commit the head is (the pull request's head), when the head is a commit. */
  readonly headCommit?: string;
  /** When the preview was made (ISO 8601). */
  readonly updatedAt: string;
  /** The workflow run that made it. */
  readonly runUrl?: string;
  /** https://github.com/OWNER/NAME, for commit links. */
  readonly repoUrl?: string;
}

/** The whole propagation preview, before rendering. */
export interface Preview {
  readonly baseCommit: string;
  readonly headLabel: string;
  readonly header: PreviewHeader;
  /** The fingerprint of the head's user files: what apply checks it applies (src/load/content-fingerprint.ts). */
  readonly fingerprint: string;
  /** False when the head has validation errors: nothing computed from it is shown. */
  readonly valid: boolean;
  readonly validation: readonly Diagnostic[];
  readonly policies: readonly PolicyPreview[];
  readonly accounts: number;
  /** Accounts whose desired state was built, out of the organisation: the work done. */
  readonly work: { readonly accountsBuilt: number; readonly totalAccounts: number };
  readonly plan?: readonly PlanSummary[];
  /** Deletes not yet confirmed: the check fails until each is. */
  readonly unconfirmedDeletes: readonly string[];
  /** Policies this change would create where a policy of the same name exists at another path: the apply would fail there. */
  readonly conflicts: readonly { readonly policy: string; readonly account: string; readonly path: string }[];
  /** With plans: accounts the change affects that no plan covers (a plan job that did not finish). */
  readonly unplannedAccounts: readonly string[];
  /** Identity-center mode: the identity-center stack's changes; sentences speak of permission sets and reprovisioning. */
  readonly identityCenter?: IdentityCenterPreview;
  /** Organizational units whose accounts changed. */
  readonly organizations?: OrganizationsPreview;
}

/** Inputs of `buildPreview`. */
export interface PreviewInput {
  readonly baseCommit: string;
  readonly headLabel: string;
  /** @default { updatedAt: '' } */
  readonly header?: PreviewHeader;
  /** @default '' */
  readonly fingerprint?: string;
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
      if (found.state === 'conflict' && rows.some((r) => r.account === account)) {
        warnings.push(`a policy named Prism-${name} already exists in account ${account} at path ${found.path ?? '?'}; IAM policy names are unique in an account whatever the path, so creating it there will fail. Delete or rename that policy first.`);
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
  const changed = new Set(input.changes.map((c) => c.account));
  const planned = new Set((input.plan ?? []).map((p) => p.account));
  return {
    baseCommit: input.baseCommit,
    headLabel: input.headLabel,
    header: input.header ?? { updatedAt: '' },
    fingerprint: input.fingerprint ?? '',
    valid: !input.headDiagnostics.some((d) => d.severity === 'error'),
    unplannedAccounts: input.plan ? [...changed].filter((a) => !planned.has(a)).sort() : [],
    validation: input.headDiagnostics.filter((d) => d.severity !== 'note'),
    policies,
    accounts: changed.size,
    work: input.work,
    ...(input.plan ? { plan: input.plan } : {}),
    unconfirmedDeletes: policies.filter((p) => p.deleteConfirmed === false).map((p) => p.name),
    conflicts: Object.entries(input.discovery?.accounts ?? {}).flatMap(([account, a]) =>
      Object.entries(a.policies)
        .filter(([name, p]) => p.state === 'conflict' && input.changes.some((c) => c.policy === name && c.account === account))
        .map(([name, p]) => ({ policy: name, account, path: p.path ?? '?' })),
    ),
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

/** The labels that reflect a preview's result, for a pull request (the optional `--labels`). */
export const RESULT_LABELS = {
  invalid: 'prism:invalid',
  breaking: 'prism:breaking',
  deletePending: 'prism:delete-pending',
  planFailed: 'prism:plan-failed',
} as const;

/**
 * The result labels a preview calls for: `prism:invalid` (validation errors), `prism:breaking` (an
 * edit that removes granted actions or adds a Deny, or a detach or delete: someone loses access),
 * `prism:delete-pending` (a delete not yet confirmed), `prism:plan-failed` (a Terraform plan failed).
 */
export function resultLabels(preview: Preview): string[] {
  const labels: string[] = [];
  if (!preview.valid) return [RESULT_LABELS.invalid];
  const breaking = preview.policies.some((p) => p.kinds.some((k) => k === 'delete' || k === 'detach') || (p.classification && (p.classification.label === 'breaking' || p.classification.label === 'mixed') && !p.libraryOnly));
  if (breaking) labels.push(RESULT_LABELS.breaking);
  if (preview.unconfirmedDeletes.length) labels.push(RESULT_LABELS.deletePending);
  if ((preview.plan ?? []).some((p) => p.status === 'failed')) labels.push(RESULT_LABELS.planFailed);
  return labels;
}
