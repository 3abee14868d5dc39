/**
 * Synthesis by fragments: every distinct policy and every distinct role (a permission set with its
 * attachments and inline policy) is synthesised once with cdktf, and each account's stack is composed
 * from the fragments it uses, exactly as cdktf would have merged them (`composeAccount`).
 *
 * A fragment's key is its desired state with the account ID replaced by a sentinel, so accounts that
 * differ only by ID share it. Fragments are synthesised under placeholder accounts and the account's
 * ID is put back in the composed text. Both replacements are bijections as long as no user text holds
 * the reserved placeholder prefix; an account whose state does is left to the caller
 * (`FragmentPlan.aside`), which synthesises it on its own.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { LOGICAL_IDS, RESOURCE_TYPES, stackName } from '../core/naming';
import { Settings } from '../core/settings';
import { AccountDesiredState, PolicyState, RoleState } from '../model/desired-state';
import { addAccountFrame, addPolicy, addRole, assertManagedPolicyBudget } from './account-stack';
import { stableJson, stableObject } from './stable-json';

/** Every placeholder starts with this; user text holding it sends the account down the per-account path. */
export const RESERVED_PREFIX = 'PRISMPLACEHOLDER';
/** Stands for the account ID in fragment keys. */
const SENTINEL = `${RESERVED_PREFIX}X`;
/** The placeholder account of fragment layer `k`. Contains no 12-digit run, so it never overlaps an account ID. */
const layerAccount = (k: number) => `${RESERVED_PREFIX}${k}X`;
const LAYER_ACCOUNT = new RegExp(`${RESERVED_PREFIX}\\d+X`, 'g');

/** A fragment that composition found different from what cdktf would write; the caller falls back to whole-stack synthesis. */
export class FragmentMismatch extends Error {}

interface Variant<S> {
  readonly layer: number;
  /** A state that uses it, and that state's account. */
  readonly sample: S;
  readonly account: string;
}

/** What `planFragments` decided: the distinct fragments, which account uses which, and the accounts left aside. */
export interface FragmentPlan {
  readonly policies: Map<string, Map<string, Variant<PolicyState>>>;
  readonly roles: Map<string, Map<string, Variant<RoleState>>>;
  /** Per account (in model order): the fragment keys of its policies and roles. */
  readonly accounts: { state: AccountDesiredState; policyKeys: string[]; roleKeys: string[] }[];
  /** Accounts whose text holds the reserved prefix: synthesise them on their own. */
  readonly aside: AccountDesiredState[];
  /** Layers needed: the most variants any one policy or role has. */
  readonly layers: number;
  /** Resources in all fragments. */
  readonly resources: number;
  /** Distinct stacks, up to the account ID. */
  readonly shapes: number;
}

/** What of a policy reaches its resource and import block (see addPolicy). */
const policyText = (p: PolicyState) => JSON.stringify([p.name, p.policyId, p.importFrom ?? null, p.adoptedAt ?? null, p.document]);

/**
 * `policyText`, and whether it can hold an account ID (a run of 12 digits), computed once per distinct
 * policy: accounts share their documents' strings, so the lookup costs no more than a hash.
 */
function policyTexts(): (p: PolicyState) => { text: string; digits: boolean } {
  const byDocument = new Map<string, Map<string, { text: string; digits: boolean }>>();
  return (p) => {
    let byRest = byDocument.get(p.document);
    if (!byRest) byDocument.set(p.document, (byRest = new Map()));
    const rest = `${p.name}\u0000${p.policyId}\u0000${p.importFrom ?? ''}\u0001${p.adoptedAt ?? ''}`;
    let found = byRest.get(rest);
    if (!found) {
      const text = policyText(p);
      byRest.set(rest, (found = { text, digits: /\d{12}/.test(text) }));
    }
    return found;
  };
}

/** Groups every account's policies and roles into distinct fragments. Pure. */
export function planFragments(states: Iterable<AccountDesiredState>, settings: Settings): FragmentPlan {
  const policies = new Map<string, Map<string, Variant<PolicyState>>>();
  const roles = new Map<string, Map<string, Variant<RoleState>>>();
  const accounts: FragmentPlan['accounts'] = [];
  const aside: AccountDesiredState[] = [];
  const shapes = new Set<string>();
  let layers = 1;
  let resources = 0;
  const reservedEverywhere = JSON.stringify(settings).includes(RESERVED_PREFIX);
  const texts = policyTexts();
  for (const state of states) {
    assertManagedPolicyBudget(state, settings);
    const { account } = state;
    const policyTextsOf = state.policies.map(texts);
    const roleTexts = state.roles.map((r) => JSON.stringify(r));
    if (reservedEverywhere || policyTextsOf.some((t) => t.text.includes(RESERVED_PREFIX)) || roleTexts.some((t) => t.includes(RESERVED_PREFIX))) {
      aside.push(state);
      continue;
    }
    // a text without a 12-digit run cannot hold the account ID
    const policyKeys = policyTextsOf.map((t) => (t.digits ? t.text.split(account).join(SENTINEL) : t.text));
    const roleKeys = roleTexts.map((t) => t.split(account).join(SENTINEL));
    state.policies.forEach((p, i) => {
      let variants = policies.get(p.name);
      if (!variants) policies.set(p.name, (variants = new Map()));
      if (!variants.has(policyKeys[i])) {
        variants.set(policyKeys[i], { layer: variants.size, sample: p, account });
        layers = Math.max(layers, variants.size);
        resources++;
      }
    });
    state.roles.forEach((r, i) => {
      let variants = roles.get(r.permissionSet);
      if (!variants) roles.set(r.permissionSet, (variants = new Map()));
      if (!variants.has(roleKeys[i])) {
        variants.set(roleKeys[i], { layer: variants.size, sample: r, account });
        layers = Math.max(layers, variants.size);
        resources += 1 + r.awsManagedPolicyArns.length + r.customerManagedPolicies.length + (r.inlinePolicy ? 1 : 0);
      }
    });
    shapes.add(`${policyKeys.join('\u0001')}\u0002${roleKeys.join('\u0001')}`);
    accounts.push({ state, policyKeys, roleKeys });
  }
  return { policies, roles, accounts, aside, layers, resources, shapes: shapes.size };
}

function specialise<S>(state: S, from: string, to: string): S {
  return JSON.parse(JSON.stringify(state).split(from).join(to)) as S;
}

/** A synthesised policy fragment: its resource body, and its import block when it has one. */
interface PolicyText {
  readonly body: string;
  readonly importBlock?: unknown;
  /** Its entry in the stack metadata's `imports`, when imported. */
  readonly imported: boolean;
}

/** A synthesised role fragment: [resource type, logical id, body] of the role, attachments and inline policy. */
type RoleText = [string, string, string][];

/** The fragments, synthesised and rendered: what `composeAccount` needs. */
export interface FragmentLibrary {
  readonly policies: Map<string, PolicyText>;
  readonly roles: Map<string, RoleText>;
  /** The stack's top-level blocks that come from the frame (provider, terraform, variable), rendered. */
  readonly frame: [string, string][];
  /** The stack metadata of the frame ("//".metadata, without imports). */
  readonly metadata: Record<string, unknown>;
  readonly outputs: unknown;
  /** The manifest entry of a stack, with the placeholder for its account. */
  readonly manifestEntry: string;
  readonly version: string;
}

const FRAME_METADATA = new Set(['backend', 'cloud', 'overrides', 'stackName', 'version']);

/**
 * Synthesises every fragment with one cdktf App (App.synth(), as `cdktf synth` does): layer k is a
 * stack under placeholder account k holding the k-th variant of each policy and role (variants of one
 * policy share a logical ID, so they cannot share a stack), with a frame, and the policies its roles
 * attach when the layer has no variant of them. Then reads back and renders each fragment.
 */
export function synthesizeFragments(plan: FragmentPlan, settings: Settings, scratch: string, localStatePath: (placeholder: string) => string): FragmentLibrary {
  fs.mkdirSync(scratch, { recursive: true });
  validateOnce(plan, settings, scratch, localStatePath);
  const app = new App({ outdir: scratch, stackTraces: false, skipValidation: true });
  const byLayer = Array.from({ length: plan.layers }, () => ({ policies: [] as [string, Variant<PolicyState>][], roles: [] as [string, Variant<RoleState>][] }));
  for (const variants of plan.policies.values()) for (const [key, v] of variants) byLayer[v.layer].policies.push([key, v]);
  for (const variants of plan.roles.values()) for (const [key, v] of variants) byLayer[v.layer].roles.push([key, v]);
  byLayer.forEach((layer, k) => {
    const placeholder = layerAccount(k);
    const stack = new TerraformStack(app, stackName(placeholder));
    addAccountFrame(stack, placeholder, settings, { localStatePath: localStatePath(placeholder) });
    const constructs = new Map<string, IamPolicy>();
    for (const [, v] of layer.policies) constructs.set(v.sample.name, addPolicy(stack, specialise(v.sample, v.account, placeholder)));
    const roles = layer.roles.map(([, v]) => specialise(v.sample, v.account, placeholder));
    // a role's attachments refer to its policies' ARNs: any variant of a policy gives the same reference
    for (const r of roles) {
      for (const cmp of r.customerManagedPolicies) {
        if (constructs.has(cmp)) continue;
        const [, any] = plan.policies.get(cmp)!.entries().next().value as [string, Variant<PolicyState>];
        constructs.set(cmp, addPolicy(stack, { ...specialise(any.sample, any.account, placeholder), importFrom: undefined, adoptedAt: undefined }));
      }
      addRole(stack, r, constructs, settings);
    }
  });
  app.synth();

  const manifest = JSON.parse(fs.readFileSync(path.join(scratch, 'manifest.json'), 'utf8')) as { version: string; stacks: Record<string, { annotations?: unknown[] }> };
  const policies = new Map<string, PolicyText>();
  const roles = new Map<string, RoleText>();
  let library: Omit<FragmentLibrary, 'policies' | 'roles'> | undefined;
  byLayer.forEach((layer, k) => {
    const name = stackName(layerAccount(k));
    if (manifest.stacks[name]?.annotations?.length) throw new FragmentMismatch(`cdktf annotated ${name}`);
    const stack = JSON.parse(fs.readFileSync(path.join(scratch, 'stacks', name, 'cdk.tf.json'), 'utf8')) as Record<string, unknown> & {
      '//': { metadata: Record<string, unknown> & { imports?: Record<string, string[]> }; outputs: unknown };
      resource?: Record<string, Record<string, unknown>>;
      import?: { to: string }[];
    };
    const { imports, ...metadata } = stack['//'].metadata;
    for (const key of Object.keys(metadata)) if (!FRAME_METADATA.has(key)) throw new FragmentMismatch(`unexpected stack metadata ${key}`);
    for (const type of Object.keys(imports ?? {})) if (type !== RESOURCE_TYPES.policy) throw new FragmentMismatch(`unexpected import of ${type}`);
    const body = (type: string, id: string) => {
      const value = stack.resource?.[type]?.[id];
      if (value === undefined) throw new FragmentMismatch(`${type}.${id} missing from ${name}`);
      return stableJson(value, 3)!;
    };
    for (const [key, v] of layer.policies) {
      const id = LOGICAL_IDS.policy(v.sample.name);
      const to = `${RESOURCE_TYPES.policy}.${id}`;
      const importBlock = stack.import?.find((i) => i.to === to);
      const imported = imports?.[RESOURCE_TYPES.policy]?.includes(id) ?? false;
      if (Boolean(importBlock) !== Boolean(v.sample.importFrom) || imported !== Boolean(v.sample.importFrom)) throw new FragmentMismatch(`import of ${to} in ${name}`);
      policies.set(key, { body: body(RESOURCE_TYPES.policy, id), ...(importBlock ? { importBlock } : {}), imported });
    }
    for (const [key, v] of layer.roles) {
      const r = v.sample;
      const parts: RoleText = [[RESOURCE_TYPES.role, LOGICAL_IDS.role(r.permissionSet), '']];
      for (const aws of r.awsManagedPolicyArns) parts.push([RESOURCE_TYPES.attachment, LOGICAL_IDS.awsAttachment(r.permissionSet, aws.name), '']);
      for (const cmp of r.customerManagedPolicies) parts.push([RESOURCE_TYPES.attachment, LOGICAL_IDS.cmpAttachment(r.permissionSet, cmp), '']);
      if (r.inlinePolicy) parts.push([RESOURCE_TYPES.inlinePolicy, LOGICAL_IDS.inlinePolicy(r.permissionSet), '']);
      roles.set(key, parts.map(([type, id]) => [type, id, body(type, id)]));
    }
    if (k === 0) {
      const frame: [string, string][] = [];
      for (const [key, value] of Object.entries(stack)) if (key !== '//' && key !== 'resource' && key !== 'import') frame.push([key, stableJson(value, 1)!]);
      library = { frame, metadata, outputs: stack['//'].outputs, manifestEntry: JSON.stringify(manifest.stacks[name]), version: manifest.version };
    }
  });
  fs.rmSync(scratch, { recursive: true, force: true });
  return { ...library!, policies, roles };
}

/**
 * cdktf's validations, run once rather than once per stack and resource. They check the stack has a
 * provider (each has, by construction) and, on every resource with an import block, that Terraform
 * is 1.5 or later by running `terraform version`: the same answer for every resource, and about
 * 50 ms each time. So one stack with the frame and one imported policy (when any policy is imported)
 * is validated with cdktf's own runAllValidations, which fails exactly as synthesising any account
 * with an import would.
 */
function validateOnce(plan: FragmentPlan, settings: Settings, scratch: string, localStatePath: (placeholder: string) => string): void {
  const placeholder = layerAccount(0);
  const stack = new TerraformStack(new App({ outdir: path.join(scratch, '.validate'), stackTraces: false }), stackName(placeholder));
  addAccountFrame(stack, placeholder, settings, { localStatePath: localStatePath(placeholder) });
  for (const variants of plan.policies.values()) {
    const imported = [...variants.values()].find((v) => v.sample.importFrom);
    if (imported) {
      addPolicy(stack, specialise(imported.sample, imported.account, placeholder));
      break;
    }
  }
  stack.runAllValidations();
}

/**
 * One account's cdk.tf.json from its fragments: what cdktf's TerraformStack.toTerraform() gives (the
 * frame, each resource, import blocks and the imports in the metadata in element order: policies,
 * then roles), written as cdktf writes it, with a placeholder for the account ID.
 */
function composeTemplate(lib: FragmentLibrary, entry: FragmentPlan['accounts'][number]): string {
  const byType = new Map<string, [string, string][]>();
  const add = (type: string, id: string, text: string) => {
    let list = byType.get(type);
    if (!list) byType.set(type, (list = []));
    list.push([id, text]);
  };
  const importBlocks: unknown[] = [];
  const importedIds: string[] = [];
  entry.state.policies.forEach((p, i) => {
    const f = lib.policies.get(entry.policyKeys[i])!;
    const id = LOGICAL_IDS.policy(p.name);
    add(RESOURCE_TYPES.policy, id, f.body);
    if (f.importBlock) importBlocks.push(f.importBlock);
    if (f.imported) importedIds.push(id);
  });
  for (const key of entry.roleKeys) for (const [type, id, text] of lib.roles.get(key)!) add(type, id, text);
  const metadata = importedIds.length ? { ...lib.metadata, imports: { [RESOURCE_TYPES.policy]: importedIds } } : lib.metadata;
  const top: [string, string][] = [...lib.frame, ['//', stableJson({ metadata, outputs: lib.outputs }, 1)!]];
  if (importBlocks.length) top.push(['import', stableJson(importBlocks, 1)!]);
  if (byType.size) top.push(['resource', stableObject([...byType].map(([type, ids]) => [type, stableObject(ids, 2)]), 1)]);
  return stableObject(top, 0);
}

/**
 * Composes each account's stack: once per shape (accounts with the same fragments), split at the
 * placeholders, then joined with each account's ID.
 */
export function composeAccounts(lib: FragmentLibrary, plan: FragmentPlan, write: (account: string, text: string) => void): void {
  const byShape = new Map<string, string[]>();
  for (const entry of plan.accounts) {
    const shape = `${entry.policyKeys.join('\u0001')}\u0002${entry.roleKeys.join('\u0001')}`;
    let parts = byShape.get(shape);
    if (!parts) byShape.set(shape, (parts = composeTemplate(lib, entry).split(LAYER_ACCOUNT)));
    write(entry.state.account, parts.join(entry.state.account));
  }
}

/** A stack's manifest entry for `account`. */
export function manifestEntryFor(lib: FragmentLibrary, account: string): Record<string, unknown> {
  return JSON.parse(lib.manifestEntry.split(LAYER_ACCOUNT).join(account)) as Record<string, unknown>;
}
