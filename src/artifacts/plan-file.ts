/**
 * The plan summaries file (`prism plan --out`, default `.prism/plan.json`): each account's plan as
 * the preview and drift report read it. Sharded plan jobs write one file each; readers merge them,
 * losslessly. This module owns its path, schema version, reader, writer and merge.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { usageError } from '../core/errors';
import { PlanSummary } from '../model/terraform';
import { writeFileAtomic } from './atomic-file';

/** The default plan summaries file, relative to the repository root. */
export const DEFAULT_PLAN_FILE = path.join('.prism', 'plan.json');

/** The schema version this Prism reads and writes. */
export const PLAN_FILE_VERSION = 1;

/** What a plan file holds. */
export interface PlanFile {
  readonly version: typeof PLAN_FILE_VERSION;
  /** The base commit the plans were made against. */
  readonly base: string;
  readonly accounts: readonly PlanSummary[];
}

/** Writes plan summaries atomically. */
export function writePlanFile(file: string, base: string, accounts: readonly PlanSummary[]): void {
  const content: PlanFile = { version: PLAN_FILE_VERSION, base, accounts };
  writeFileAtomic(file, JSON.stringify(content, null, 2) + '\n');
}

/** Reads one plan file; a missing or malformed file is a usage error naming it. */
export function readPlanFile(file: string): PlanSummary[] {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as PlanFile;
    if (v.version !== PLAN_FILE_VERSION || !Array.isArray(v.accounts)) throw new Error(`expected {"version": ${PLAN_FILE_VERSION}, "accounts": [...]}`);
    return [...v.accounts];
  } catch (err) {
    throw usageError(`cannot read plan summaries ${file}: ${(err as Error).message}`);
  }
}

/** Merges per-shard plan summaries into one list; an account planned by two shards is an error. */
export function mergePlanSummaries(lists: readonly (readonly PlanSummary[])[]): PlanSummary[] {
  const byAccount = new Map<string, PlanSummary>();
  for (const list of lists) {
    for (const s of list) {
      if (byAccount.has(s.account)) throw new Error(`account ${s.account} appears in two shard results; each account belongs to exactly one shard`);
      byAccount.set(s.account, s);
    }
  }
  return [...byAccount.values()].sort((a, b) => (a.account < b.account ? -1 : 1));
}

/** The plan files found by default: `<dir>/.prism/plan.json` and the shard jobs' `<dir>/.prism/plan-<N>.json`. */
export function defaultPlanFiles(dir: string): string[] {
  const folder = path.join(dir, path.dirname(DEFAULT_PLAN_FILE));
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .filter((f) => f === path.basename(DEFAULT_PLAN_FILE) || /^plan-\d+\.json$/.test(f))
    .sort()
    .map((f) => path.join(folder, f));
}

/**
 * The plans a command should use: the `files` given (each must exist), merged; else
 * `<dir>/.prism/plan.json` and `<dir>/.prism/plan-<N>.json` when present (the shard jobs' files);
 * else none.
 */
export function loadPlanSummaries(dir: string, files: readonly string[] = []): PlanSummary[] | undefined {
  const chosen = files.length ? files.map((f) => path.resolve(f)) : defaultPlanFiles(dir);
  for (const f of chosen) if (!fs.existsSync(f)) throw usageError(`--plan ${f} does not exist`);
  if (!chosen.length) return undefined;
  try {
    return mergePlanSummaries(chosen.map(readPlanFile));
  } catch (err) {
    if ((err as { kind?: string }).kind) throw err;
    throw usageError(`cannot merge the plan files: ${(err as Error).message}`);
  }
}
