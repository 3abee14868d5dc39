/** Drives a repository through the `prism` CLI as CI would, for the end-to-end suites. */
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { PRISM_BIN } from '../helpers/cli';
import { change, commit, git } from '../helpers/git';

/** The result of one prism run. */
export interface PrismRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs prism in `dir` with the e2e environment; on an unexpected exit code, the error shows prism's output. */
export function prism(dir: string, env: NodeJS.ProcessEnv, args: string[], expectCode?: number): PrismRun {
  const r = spawnSync(process.execPath, [PRISM_BIN, ...args, '--dir', dir], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 600_000 });
  const run = { code: r.status, stdout: r.stdout, stderr: r.stderr };
  if (expectCode !== undefined && run.code !== expectCode) {
    throw new Error(`prism ${args.join(' ')} exited ${run.code}, expected ${expectCode}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`);
  }
  return run;
}

/** Starts prism without waiting (to kill what it runs); resolves with its result. */
export function prismAsync(dir: string, env: NodeJS.ProcessEnv, args: string[]): { pid: number; done: Promise<PrismRun> } {
  const child = spawn(process.execPath, [PRISM_BIN, ...args, '--dir', dir], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<PrismRun>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { pid: child.pid!, done };
}

/** Merges the working tree's change on main, as merging its pull request would; returns the commit before it. */
export function mergeWorkingTree(clone: string, message = 'merge'): string {
  git(clone, 'pull', '-q', '--rebase', '--autostash', 'origin', 'main');
  const before = git(clone, 'rev-parse', 'HEAD');
  commit(clone, message);
  git(clone, 'push', '-q', 'origin', 'main');
  return before;
}

/** Writes `files` and merges them on main; returns the commit before the merge. */
export function merge(clone: string, files: Record<string, string | object | null>, message = 'merge'): string {
  change(clone, files);
  return mergeWorkingTree(clone, message);
}

/** A rollout row as `prism rollouts --format json` prints it. */
export interface Row {
  readonly id: string;
  readonly policy: string;
  readonly account: string;
  readonly event: string;
  readonly status: string;
  readonly error?: string;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly commit: string;
  readonly retryOf?: string;
  readonly adoptedAt?: string;
}

/** The ledger as the remote has it now, read through `prism rollouts` after a pull. */
export function rollouts(clone: string, env: NodeJS.ProcessEnv, policy: string): { summary: { success: number; pending: number; failed: number }; chips: string; latest: Row[]; history: Row[] } {
  git(clone, 'pull', '-q', '--rebase', 'origin', 'main');
  const r = prism(clone, env, ['rollouts', policy, '--format', 'json', '--all'], 0);
  return JSON.parse(r.stdout);
}

/** "account EVENT STATUS" for each latest row, sorted: the shape most assertions compare. */
export function brief(rows: readonly Row[]): string[] {
  return rows.map((r) => `${r.account} ${r.event} ${r.status}`).sort();
}

/** The folder of an account's synthesised stack. */
export function stackDir(clone: string, account: string): string {
  return path.join(clone, 'cdktf.out', 'stacks', `account-${account}`);
}
