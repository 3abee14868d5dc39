/**
 * The discovery results file (`prism discover --out`, default `.prism/discovery.json`): what each
 * account really holds. Synth reads it to import existing policies; preview and drift read it for
 * warnings. This module owns its path, schema version, reader and writer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { usageError } from '../core/errors';
import { DiscoveryResults } from '../model/discovery';
import { writeFileAtomic } from './atomic-file';
import { checkOrganizationsSnapshot } from './organizations-file';

/** The default discovery results file, relative to the repository root. */
export const DEFAULT_DISCOVERY_FILE = path.join('.prism', 'discovery.json');

/** The schema version this Prism reads and writes. */
export const DISCOVERY_VERSION = 1;

/** Checks the shape of a parsed discovery file; returns a message for the first problem, or undefined. */
export function checkDiscoveryResults(value: unknown): string | undefined {
  const v = value as DiscoveryResults;
  if (!v || typeof v !== 'object' || v.version !== DISCOVERY_VERSION || typeof v.accounts !== 'object' || v.accounts === null) {
    return 'expected {"version": 1, "generatedAt": ..., "accounts": {...}}';
  }
  if (v.organizations !== undefined) {
    const problem = checkOrganizationsSnapshot(v.organizations);
    if (problem) return `organizations: ${problem}`;
  }
  for (const [account, a] of Object.entries(v.accounts)) {
    if (!/^\d{12}$/.test(account)) return `account key ${JSON.stringify(account)} is not a 12-digit account ID`;
    if (!a || (a.status !== 'ok' && a.status !== 'error') || typeof a.policies !== 'object') return `account ${account}: expected status "ok" or "error" and a policies object`;
    for (const [name, p] of Object.entries(a.policies)) {
      if (!p || !['absent', 'managed', 'unmanaged', 'conflict'].includes(p.state)) return `account ${account} policy ${name}: state must be absent, managed, unmanaged or conflict`;
      if (p.adoptedAt !== undefined && Number.isNaN(Date.parse(p.adoptedAt))) return `account ${account} policy ${name}: adoptedAt is not an ISO timestamp`;
    }
  }
  return undefined;
}

/** Reads and checks a discovery results file; a malformed file is a usage error naming the problem. */
export function readDiscoveryFile(file: string): DiscoveryResults {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw usageError(`cannot read discovery results ${file}: ${(err as Error).message}`);
  }
  const problem = checkDiscoveryResults(value);
  if (problem) throw usageError(`discovery results ${file} are malformed: ${problem}`, 'Regenerate the file with prism discover; its format is in the README.');
  return value as DiscoveryResults;
}

/**
 * The discovery results a command should use: `flag` when given (a usage error if that file does
 * not exist), else `<dir>/.prism/discovery.json` when present, else none.
 */
export function loadDiscoveryResults(dir: string, flag?: string): DiscoveryResults | undefined {
  const file = flag ? path.resolve(flag) : path.join(dir, DEFAULT_DISCOVERY_FILE);
  if (flag && !fs.existsSync(file)) throw usageError(`--discovery ${flag} does not exist`);
  return fs.existsSync(file) ? readDiscoveryFile(file) : undefined;
}

/** Writes discovery results atomically. */
export function writeDiscoveryFile(file: string, results: DiscoveryResults): void {
  writeFileAtomic(file, JSON.stringify(results, null, 2) + '\n');
}
