import { permissionSetsByAccount } from '../model/build-model';
import { DeploymentModel, PolicyState } from '../model/desired-state';
import { normalizePolicyText } from '../model/normalize';
import { MaterialisedPair } from '../model/rollout';
import { RepoDocuments } from '../model/types';

/** What a change does to one policy in one account. */
export type ChangeKind = 'create' | 'adopt' | 'edit' | 'attach' | 'detach' | 'delete';
export const CHANGE_KINDS: readonly ChangeKind[] = ['delete', 'edit', 'create', 'adopt', 'attach', 'detach'];

/** One (policy, account) change, with the permission sets that cause it. */
export interface AccountChange {
  readonly policy: string;
  readonly account: string;
  readonly kind: ChangeKind;
  readonly permissionSets: readonly string[];
}

/** How the library itself changed between two commits. */
export interface LibraryChanges {
  readonly addedPolicies: ReadonlySet<string>;
  readonly removedPolicies: ReadonlySet<string>;
  readonly editedPolicies: ReadonlySet<string>;
  readonly changedPermissionSets: ReadonlySet<string>;
  readonly settingsChanged: boolean;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Compares the documents of two commits: which policies, permission sets and settings changed. */
export function libraryChanges(base: RepoDocuments, head: RepoDocuments): LibraryChanges {
  const addedPolicies = new Set<string>();
  const removedPolicies = new Set<string>();
  const editedPolicies = new Set<string>();
  for (const [name, p] of head.policies) {
    const b = base.policies.get(name);
    if (!b) addedPolicies.add(name);
    else if (normalizePolicyText(b.document) !== normalizePolicyText(p.document)) editedPolicies.add(name);
  }
  for (const name of base.policies.keys()) if (!head.policies.has(name)) removedPolicies.add(name);
  const changedPermissionSets = new Set<string>();
  const strip = (ps: object | undefined) => ps && { ...ps, file: undefined };
  for (const name of new Set([...base.permissionSets.keys(), ...head.permissionSets.keys()])) {
    if (!same(strip(base.permissionSets.get(name)), strip(head.permissionSets.get(name)))) changedPermissionSets.add(name);
  }
  return { addedPolicies, removedPolicies, editedPolicies, changedPermissionSets, settingsChanged: !same(base.settings, head.settings) };
}

/**
 * The accounts a change can affect, found from the library diff without building every account's
 * state: accounts whose permission sets changed, that use a changed permission set, or that hold
 * (or held) a changed policy. With changed settings, every account.
 */
export function affectedAccounts(base: RepoDocuments, head: RepoDocuments, lib: LibraryChanges, materialised: ReadonlyMap<string, MaterialisedPair>): Set<string> {
  const baseSets = permissionSetsByAccount(base);
  const headSets = permissionSetsByAccount(head);
  const all = new Set([...baseSets.keys(), ...headSets.keys()]);
  for (const p of materialised.values()) all.add(p.account);
  if (lib.settingsChanged) return all;
  const changedPolicies = new Set([...lib.addedPolicies, ...lib.removedPolicies, ...lib.editedPolicies]);
  const setsUsing = (docs: RepoDocuments) => {
    const s = new Set<string>(lib.changedPermissionSets);
    for (const ps of docs.permissionSets.values()) if (ps.customerManagedPolicies.some((c) => changedPolicies.has(c))) s.add(ps.name);
    return s;
  };
  const touchedSets = new Set([...setsUsing(base), ...setsUsing(head)]);
  const affected = new Set<string>();
  for (const account of all) {
    const b = baseSets.get(account) ?? [];
    const h = headSets.get(account) ?? [];
    if (!same(b, h) || b.some((s) => touchedSets.has(s)) || h.some((s) => touchedSets.has(s))) affected.add(account);
  }
  for (const p of materialised.values()) if (changedPolicies.has(p.policy)) affected.add(p.account);
  return affected;
}

/** Diffs one policy in one account. */
function diffPolicy(account: string, b: PolicyState | undefined, h: PolicyState | undefined): AccountChange[] {
  const out: AccountChange[] = [];
  const policy = (h ?? b)!.name;
  const push = (kind: ChangeKind, permissionSets: readonly string[]) => out.push({ policy, account, kind, permissionSets: [...permissionSets].sort() });
  if (!b && h) {
    push(h.discovered === 'unmanaged' ? 'adopt' : 'create', h.attachedTo);
    return out;
  }
  if (b && !h) {
    push('delete', b.attachedTo);
    return out;
  }
  if (!b || !h) return out;
  if (h.discovered === 'unmanaged') push('adopt', h.attachedTo);
  if (b.document !== h.document) push('edit', h.attachedTo.length ? h.attachedTo : b.attachedTo);
  const added = h.attachedTo.filter((s) => !b.attachedTo.includes(s));
  const removed = b.attachedTo.filter((s) => !h.attachedTo.includes(s));
  if (added.length) push('attach', added);
  if (removed.length) push('detach', removed);
  return out;
}

/** Every (policy, account) change between two desired states. Pure. */
export function diffModels(base: DeploymentModel, head: DeploymentModel): AccountChange[] {
  const changes: AccountChange[] = [];
  const accounts = [...new Set([...base.accounts.keys(), ...head.accounts.keys()])].sort();
  for (const account of accounts) {
    const b = new Map((base.accounts.get(account)?.policies ?? []).map((p) => [p.name, p]));
    const h = new Map((head.accounts.get(account)?.policies ?? []).map((p) => [p.name, p]));
    for (const name of [...new Set([...b.keys(), ...h.keys()])].sort()) changes.push(...diffPolicy(account, b.get(name), h.get(name)));
  }
  return changes;
}
