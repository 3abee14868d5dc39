/**
 * IAM Identity Center mode: the desired state of the one identity-center stack (permission sets with
 * their policies, and account assignments), how it changes between two commits, and which of its
 * changes must wait. Everything here is pure.
 *
 * Ordering is the point. A permission set that references `Prism-X` can be provisioned to an account
 * only once `Prism-X` exists there, so an apply runs every account's policy stack first, and then the
 * identity-center stack. An account whose policy stack failed is not provisioned: its new assignments
 * wait, and so does every change to a permission set provisioned to it, because the AWS provider
 * reprovisions a changed permission set to all of its accounts at once (ALL_PROVISIONED_ACCOUNTS).
 */
import { IDC_LOGICAL_IDS, IDC_RESOURCE_TYPES, principalKey } from '../core/naming';
import { identityCenterPermissionSetName, secondsToDuration } from '../core/settings';
import { normalizePolicyText } from './normalize';
import { RepoDocuments } from './types';

/** One IdC permission set, from permission-sets/<Name>.yaml. */
export interface IdcPermissionSetState {
  /** The Prism name (the file's). */
  readonly permissionSet: string;
  /** Its name in IAM Identity Center (identityCenter.namePattern). */
  readonly name: string;
  readonly description?: string;
  /** ISO-8601, e.g. PT8H. */
  readonly sessionDuration: string;
  readonly awsManagedPolicyArns: readonly { readonly name: string; readonly arn: string }[];
  /** CMP names: each is referenced as Prism-<name> with path /. */
  readonly customerManagedPolicies: readonly string[];
  /** Normalised JSON. */
  readonly inlinePolicy?: string;
  readonly permissionsBoundaryArn?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** A group or user of the identity store: by name (a data source looks it up) or by ID. */
export interface IdcPrincipal {
  readonly type: 'GROUP' | 'USER';
  readonly name?: string;
  readonly id?: string;
}

/** One account assignment: a principal gets a permission set in an account. */
export interface IdcAssignmentState {
  readonly permissionSet: string;
  readonly account: string;
  readonly principal: IdcPrincipal;
}

/** Everything the identity-center stack manages. */
export interface IdentityCenterDesiredState {
  readonly instanceArn: string;
  readonly identityStoreId: string;
  /** The management or delegated-administrator account the stack runs in. */
  readonly account: string;
  readonly region: string;
  /** Sorted by permission-set name. */
  readonly permissionSets: readonly IdcPermissionSetState[];
  /** Sorted by permission set, account, principal. */
  readonly assignments: readonly IdcAssignmentState[];
}

/** The desired state of the identity-center stack, or undefined in roles mode. Pure. */
export function buildIdentityCenterState(docs: RepoDocuments): IdentityCenterDesiredState | undefined {
  const idc = docs.settings.identityCenter;
  if (docs.settings.mode !== 'identity-center' || !idc) return undefined;
  const permissionSets = [...docs.permissionSets.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(
      (ps): IdcPermissionSetState => ({
        permissionSet: ps.name,
        name: identityCenterPermissionSetName(docs.settings, ps.name),
        ...(ps.description ? { description: ps.description } : {}),
        sessionDuration: secondsToDuration(ps.sessionDurationSeconds),
        awsManagedPolicyArns: ps.awsManagedPolicies,
        customerManagedPolicies: ps.customerManagedPolicies,
        ...(ps.inlinePolicy ? { inlinePolicy: normalizePolicyText(ps.inlinePolicy) } : {}),
        ...(ps.permissionsBoundaryArn ? { permissionsBoundaryArn: ps.permissionsBoundaryArn } : {}),
        tags: ps.tags,
      }),
    );
  const byKey = new Map<string, IdcAssignmentState>();
  for (const a of docs.assignments) {
    if (!docs.permissionSets.has(a.permissionSet)) continue;
    for (const account of a.accounts) {
      for (const principal of a.principals ?? []) {
        const state: IdcAssignmentState = { permissionSet: a.permissionSet, account, principal: principal.id !== undefined ? { type: principal.type, id: principal.id } : { type: principal.type, name: principal.name } };
        byKey.set(assignmentKey(state), state);
      }
    }
  }
  const assignments = [...byKey.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, v]) => v);
  return { instanceArn: idc.instanceArn, identityStoreId: idc.identityStoreId, account: idc.account, region: idc.region, permissionSets, assignments };
}

/** A stable key of an assignment: permission set, account, principal. */
export function assignmentKey(a: IdcAssignmentState): string {
  return `${a.permissionSet}\u0000${a.account}\u0000${principalKey(a.principal)}`;
}

/** How one permission set changes between two commits. */
export interface PermissionSetChange {
  readonly permissionSet: string;
  readonly kind: 'create' | 'update' | 'delete';
  /** CMPs newly referenced, and no longer referenced. */
  readonly cmpAdded: readonly string[];
  readonly cmpRemoved: readonly string[];
  /** Anything else changed: AWS managed policies, inline policy, boundary, session duration, description, tags. */
  readonly otherChanges: boolean;
}

/** What a change does in IAM Identity Center. */
export interface IdentityCenterChanges {
  readonly permissionSets: readonly PermissionSetChange[];
  readonly assignmentsAdded: readonly IdcAssignmentState[];
  readonly assignmentsRemoved: readonly IdcAssignmentState[];
  /**
   * Accounts that will be (re)provisioned, per permission set: every account already provisioned
   * with a permission set whose content changes, and every account that gets a new assignment.
   */
  readonly reprovisioned: ReadonlyMap<string, readonly string[]>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Accounts that each permission set is assigned to. */
export function accountsByPermissionSet(state: IdentityCenterDesiredState | undefined): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const a of state?.assignments ?? []) {
    let s = out.get(a.permissionSet);
    if (!s) out.set(a.permissionSet, (s = new Set()));
    s.add(a.account);
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}

/** Diffs two identity-center states (undefined: roles mode, or nothing). Pure. */
export function diffIdentityCenter(base: IdentityCenterDesiredState | undefined, head: IdentityCenterDesiredState | undefined): IdentityCenterChanges {
  const b = new Map((base?.permissionSets ?? []).map((p) => [p.permissionSet, p]));
  const h = new Map((head?.permissionSets ?? []).map((p) => [p.permissionSet, p]));
  const permissionSets: PermissionSetChange[] = [];
  for (const name of [...new Set([...b.keys(), ...h.keys()])].sort()) {
    const x = b.get(name);
    const y = h.get(name);
    const cmpAdded = (y?.customerManagedPolicies ?? []).filter((c) => !(x?.customerManagedPolicies ?? []).includes(c));
    const cmpRemoved = (x?.customerManagedPolicies ?? []).filter((c) => !(y?.customerManagedPolicies ?? []).includes(c));
    const strip = (p: IdcPermissionSetState | undefined) => p && { ...p, customerManagedPolicies: undefined };
    const otherChanges = !same(strip(x), strip(y));
    if (!x) permissionSets.push({ permissionSet: name, kind: 'create', cmpAdded, cmpRemoved, otherChanges });
    else if (!y) permissionSets.push({ permissionSet: name, kind: 'delete', cmpAdded, cmpRemoved, otherChanges });
    else if (cmpAdded.length || cmpRemoved.length || otherChanges) permissionSets.push({ permissionSet: name, kind: 'update', cmpAdded, cmpRemoved, otherChanges });
  }
  const bKeys = new Map((base?.assignments ?? []).map((a) => [assignmentKey(a), a]));
  const hKeys = new Map((head?.assignments ?? []).map((a) => [assignmentKey(a), a]));
  const assignmentsAdded = [...hKeys].filter(([k]) => !bKeys.has(k)).map(([, a]) => a);
  const assignmentsRemoved = [...bKeys].filter(([k]) => !hKeys.has(k)).map(([, a]) => a);

  const reprovisioned = new Map<string, Set<string>>();
  const add = (ps: string, account: string) => {
    let s = reprovisioned.get(ps);
    if (!s) reprovisioned.set(ps, (s = new Set()));
    s.add(account);
  };
  const baseAccounts = accountsByPermissionSet(base);
  const headAccounts = accountsByPermissionSet(head);
  for (const c of permissionSets) {
    if (c.kind !== 'update') continue;
    // the provider reprovisions a changed permission set in every account it stays provisioned to
    for (const account of baseAccounts.get(c.permissionSet) ?? []) if ((headAccounts.get(c.permissionSet) ?? []).includes(account)) add(c.permissionSet, account);
  }
  for (const a of assignmentsAdded) {
    // a new assignment provisions the account unless the permission set already was there
    if (!(baseAccounts.get(a.permissionSet) ?? []).includes(a.account)) add(a.permissionSet, a.account);
  }
  return {
    permissionSets,
    assignmentsAdded,
    assignmentsRemoved,
    reprovisioned: new Map([...reprovisioned].map(([k, v]) => [k, [...v].sort()])),
  };
}

/** Whether a change touches the identity-center stack at all. */
export function identityCenterChanged(changes: IdentityCenterChanges): boolean {
  return changes.permissionSets.length > 0 || changes.assignmentsAdded.length > 0 || changes.assignmentsRemoved.length > 0;
}

/** What waits because some accounts are not ready (their policy stack failed). */
export interface HeldBack {
  /** Permission sets whose changes all wait, with the blocked accounts they are provisioned to. */
  readonly permissionSets: ReadonlyMap<string, readonly string[]>;
  /** New assignments that wait: their account is blocked. */
  readonly assignments: readonly IdcAssignmentState[];
  /** Blocked accounts that the identity-center stack would have (re)provisioned. */
  readonly accounts: readonly string[];
}

/**
 * Which parts of the identity-center stack must wait while `blocked` accounts are not ready. A new
 * assignment in a blocked account waits (creating it would provision the account). A permission set
 * already provisioned to a blocked account (assigned there at base) waits entirely, because applying
 * any change to it reprovisions every account it is provisioned to. Everything else goes ahead. Pure.
 */
export function heldBack(base: IdentityCenterDesiredState | undefined, head: IdentityCenterDesiredState, blocked: ReadonlySet<string>): HeldBack {
  const permissionSets = new Map<string, string[]>();
  const accounts = new Set<string>();
  if (blocked.size === 0) return { permissionSets, assignments: [], accounts: [] };
  for (const a of base?.assignments ?? []) {
    if (!blocked.has(a.account)) continue;
    const list = permissionSets.get(a.permissionSet) ?? [];
    if (!list.includes(a.account)) list.push(a.account);
    permissionSets.set(a.permissionSet, list.sort());
    accounts.add(a.account);
  }
  const baseKeys = new Set((base?.assignments ?? []).map(assignmentKey));
  const assignments = head.assignments.filter((a) => blocked.has(a.account) && !baseKeys.has(assignmentKey(a)));
  for (const a of assignments) accounts.add(a.account);
  return { permissionSets, assignments, accounts: [...accounts].sort() };
}

/** Whether anything is held back. */
export function holdsBack(held: HeldBack): boolean {
  return held.permissionSets.size > 0 || held.assignments.length > 0;
}

/** Every resource address of the identity-center stack that belongs to a permission set, at base and at head. */
export function permissionSetAddresses(state: IdentityCenterDesiredState | undefined, permissionSet: string): string[] {
  const out: string[] = [];
  const ps = state?.permissionSets.find((p) => p.permissionSet === permissionSet);
  if (ps) {
    out.push(`${IDC_RESOURCE_TYPES.permissionSet}.${IDC_LOGICAL_IDS.permissionSet(ps.permissionSet)}`);
    for (const aws of ps.awsManagedPolicyArns) out.push(`${IDC_RESOURCE_TYPES.managedAttachment}.${IDC_LOGICAL_IDS.awsAttachment(ps.permissionSet, aws.name)}`);
    for (const cmp of ps.customerManagedPolicies) out.push(`${IDC_RESOURCE_TYPES.cmpAttachment}.${IDC_LOGICAL_IDS.cmpAttachment(ps.permissionSet, cmp)}`);
    if (ps.inlinePolicy) out.push(`${IDC_RESOURCE_TYPES.inlinePolicy}.${IDC_LOGICAL_IDS.inlinePolicy(ps.permissionSet)}`);
    if (ps.permissionsBoundaryArn) out.push(`${IDC_RESOURCE_TYPES.boundary}.${IDC_LOGICAL_IDS.boundary(ps.permissionSet)}`);
  }
  for (const a of state?.assignments ?? []) if (a.permissionSet === permissionSet) out.push(assignmentAddress(a));
  return out;
}

/** The Terraform address of an account assignment: an instance of its permission set's assignments resource. */
export function assignmentAddress(a: IdcAssignmentState): string {
  return `${IDC_RESOURCE_TYPES.assignment}.${IDC_LOGICAL_IDS.assignments(a.permissionSet)}["${IDC_LOGICAL_IDS.assignmentKey(a.account, a.principal)}"]`;
}

/**
 * The addresses to apply (`terraform apply -target=...`) when something is held back: every resource
 * of every permission set that is not held back, at head and at base (so that removals are applied
 * too), except the held-back assignments. Undefined when nothing is held back: the whole stack is
 * applied; empty when everything is: nothing is applied. Pure.
 */
export function applyTargets(base: IdentityCenterDesiredState | undefined, head: IdentityCenterDesiredState, held: HeldBack): string[] | undefined {
  if (!holdsBack(held)) return undefined;
  const names = new Set([...(base?.permissionSets ?? []), ...head.permissionSets].map((p) => p.permissionSet));
  const waiting = new Set(held.assignments.map(assignmentAddress));
  const targets = new Set<string>();
  for (const name of [...names].sort()) {
    if (held.permissionSets.has(name)) continue;
    for (const state of [base, head]) for (const address of permissionSetAddresses(state, name)) if (!waiting.has(address)) targets.add(address);
  }
  return [...targets].sort();
}
