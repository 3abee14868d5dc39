import { pairKey, permissionSetRoleName, policyArn } from '../core/naming';
import { AccountDesiredState, DeploymentModel, PolicyState, RoleState } from './desired-state';
import { DiscoveryResults } from './discovery';
import { buildIdentityCenterState } from './identity-center';
import { normalizePolicyText, substitute } from './normalize';
import { customerPolicyId } from './policy-id';
import { MaterialisedPair } from './rollout';
import { RepoDocuments } from './types';

/** Inputs besides the repository that decide what each account holds. */
export interface BuildModelOptions {
  /** From the rollout ledger: where policies were materialised. @default none */
  readonly materialised?: ReadonlyMap<string, MaterialisedPair>;
  /** From `prism discover`: policies that already exist and must be imported. @default none */
  readonly discovery?: DiscoveryResults;
  /** The repository at the base commit: what it needed counts as materialised. @default none */
  readonly base?: RepoDocuments;
  /** Only build these accounts. @default every account */
  readonly accounts?: ReadonlySet<string>;
}

/** Which CMPs each account needs, through which permission sets: account -> policy -> permission sets. */
export function policyNeeds(docs: RepoDocuments): Map<string, Map<string, string[]>> {
  const needs = new Map<string, Map<string, string[]>>();
  for (const a of docs.assignments) {
    const ps = docs.permissionSets.get(a.permissionSet);
    if (!ps) continue;
    for (const account of a.accounts) {
      let m = needs.get(account);
      if (!m) needs.set(account, (m = new Map()));
      for (const cmp of ps.customerManagedPolicies) {
        const sets = m.get(cmp) ?? [];
        if (!sets.includes(ps.name)) sets.push(ps.name);
        m.set(cmp, sets);
      }
    }
  }
  return needs;
}

/** Permission sets per account: account -> sorted permission-set names. */
export function permissionSetsByAccount(docs: RepoDocuments): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const a of docs.assignments) {
    if (!docs.permissionSets.has(a.permissionSet)) continue;
    for (const account of a.accounts) {
      let s = out.get(account);
      if (!s) out.set(account, (s = new Set()));
      s.add(a.permissionSet);
    }
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}

/**
 * Builds the desired state of every account. Pure. A policy is in an account while the CMP exists in
 * the library and the account needs it now, or had it before (ledger, or the base commit): detaching
 * never deletes a policy; only removing its file does.
 */
export function buildModel(docs: RepoDocuments, options: BuildModelOptions = {}): DeploymentModel {
  const { settings } = docs;
  const identityCenter = buildIdentityCenterState(docs);
  const wanted = (account: string) => !options.accounts || options.accounts.has(account);

  // where each policy was materialised before this change
  const before = new Map<string, Set<string>>();
  const addBefore = (account: string, policy: string) => {
    let s = before.get(account);
    if (!s) before.set(account, (s = new Set()));
    s.add(policy);
  };
  for (const p of options.materialised?.values() ?? []) addBefore(p.account, p.policy);
  if (options.base) for (const [account, m] of policyNeeds(options.base)) for (const policy of m.keys()) addBefore(account, policy);
  const baseAccounts = options.base ? permissionSetsByAccount(options.base) : new Map<string, string[]>();

  // per-policy work done once, not once per account
  const docText = new Map<string, string>();
  const ids = new Map<string, string>();
  for (const p of docs.policies.values()) {
    docText.set(p.name, normalizePolicyText(p.document));
    ids.set(p.name, customerPolicyId(p.name));
  }
  const roleTemplates = new Map<string, Omit<RoleState, 'trustPolicy'> & { trust: unknown }>();
  for (const ps of docs.permissionSets.values()) {
    roleTemplates.set(ps.name, {
      permissionSet: ps.name,
      roleName: permissionSetRoleName(settings.roles.namePattern, ps.name),
      description: ps.description,
      trust: ps.trustPolicy,
      maxSessionDuration: ps.sessionDurationSeconds,
      awsManagedPolicyArns: ps.awsManagedPolicies,
      customerManagedPolicies: ps.customerManagedPolicies,
      inlinePolicy: ps.inlinePolicy ? normalizePolicyText(ps.inlinePolicy) : undefined,
      permissionsBoundaryArn: ps.permissionsBoundaryArn,
      tags: ps.tags,
    });
  }

  const needs = policyNeeds(docs);
  const sets = permissionSetsByAccount(docs);
  const accountIds = new Set<string>([...sets.keys(), ...before.keys(), ...baseAccounts.keys()]);
  const accounts = new Map<string, AccountDesiredState>();
  for (const account of [...accountIds].sort()) {
    if (!wanted(account)) continue;
    // identity-center mode: IAM Identity Center makes the roles; the account stack holds only policies
    const roles: RoleState[] = identityCenter ? [] : (sets.get(account) ?? []).map((name) => {
      const { trust, ...t } = roleTemplates.get(name)!;
      return { ...t, trustPolicy: normalizePolicyText(substitute(trust as Record<string, unknown>, { account })) };
    });
    const needed = needs.get(account) ?? new Map<string, string[]>();
    const names = new Set<string>(needed.keys());
    for (const p of before.get(account) ?? []) if (docs.policies.has(p)) names.add(p);
    const found = options.discovery?.accounts[account];
    const policies: PolicyState[] = [...names].sort().map((name) => {
      const d = found?.status === 'ok' ? found.policies[name] : undefined;
      const present = d && (d.state === 'managed' || d.state === 'unmanaged');
      const adoptedAt =
        (d?.state === 'unmanaged' ? d.adoptedAt ?? options.discovery!.generatedAt : d?.adoptedAt) ?? options.materialised?.get(pairKey(name, account))?.adoptedAt;
      return {
        name,
        policyId: ids.get(name)!,
        document: docText.get(name)!,
        attachedTo: [...(needed.get(name) ?? [])].sort(),
        ...(present ? { importFrom: d.arn ?? policyArn(account, name), discovered: d.state as 'managed' | 'unmanaged' } : {}),
        ...(adoptedAt ? { adoptedAt } : {}),
      };
    });
    accounts.set(account, { account, roles, policies });
  }
  return { settings, accounts, ...(identityCenter ? { identityCenter } : {}) };
}
