import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { acquireLockFile } from '../../artifacts/locks';
import { AccountApplyOutcome, PlanSummary, TerraformDiagnostic } from '../../model/terraform';
import { failedPlan, summarizePlan } from './plan-json';
import { applyReport, diagnosticsFromUi, parseUiStream, UiMessage } from './ui-stream';

/** How to run Terraform (or OpenTofu) for one stack. */
export interface TerraformRunner {
  /** terraform, tofu, or a path. */
  readonly binary: string;
  /**
   * Shared provider plugin cache (TF_PLUGIN_CACHE_DIR), so stacks download the AWS provider once.
   * Undefined: no cache (right with a filesystem mirror, which init links to rather than copies).
   */
  readonly pluginCacheDir?: string;
  /** Extra environment (never logged). */
  readonly env?: NodeJS.ProcessEnv;
  /** Terraform's latest news for an account (each streamed `-json` UI message's text), for progress. */
  readonly onNews?: (account: string, text: string) => void;
}

/** The result of one Terraform invocation. */
export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one Terraform command in a stack's folder; never throws for a non-zero exit. */
export function runTerraform(runner: TerraformRunner, cwd: string, args: string[], onLine?: (line: string) => void): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(runner.binary, args, {
      cwd,
      env: { ...process.env, ...runner.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', ...(runner.pluginCacheDir ? { TF_PLUGIN_CACHE_DIR: runner.pluginCacheDir } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (c: Buffer) => {
      const text = c.toString();
      stdout += text;
      if (!onLine) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop()!;
      for (const l of lines) onLine(l);
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (err) => resolve({ code: 127, signal: null, stdout, stderr: `${stderr}cannot run ${runner.binary}: ${err.message}` }));
    child.on('close', (code, signal) => {
      if (partial && onLine) onLine(partial);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * `terraform init` in a stack folder, safe for many stacks at once on a shared plugin cache.
 *
 * Terraform only reads its plugin cache when the stack's dependency lock file already records the
 * provider's checksum; without one, every init installs the provider into the cache again, and two
 * inits doing that at once fail ("there is no package ... cached in .terraform/providers"). So the
 * first init for a set of required providers runs alone, holding a lock file in the cache that other
 * Prism processes honour too, and its `.terraform.lock.hcl` is saved beside the cache. Every later
 * init starts from that lock file, so it only reads the cache and can run concurrently.
 */
export async function initStack(runner: TerraformRunner, stackDir: string): Promise<RunResult> {
  const init = () => runTerraform(runner, stackDir, ['init', '-input=false', '-no-color']);
  const cache = runner.pluginCacheDir;
  if (!cache) return init();
  fs.mkdirSync(cache, { recursive: true });
  const saved = path.join(cache, `.prism-${providersKey(stackDir)}.terraform.lock.hcl`);
  const stackLock = path.join(stackDir, '.terraform.lock.hcl');
  const fromSaved = () => {
    if (!fs.existsSync(stackLock)) fs.copyFileSync(saved, stackLock);
    return init();
  };
  if (fs.existsSync(saved)) return fromSaved();
  const unlock = await acquireLockFile(path.join(cache, '.prism-init.lock'), 'the plugin cache lock');
  try {
    if (fs.existsSync(saved)) return await fromSaved(); // filled while we waited
    const result = await init();
    if (result.code === 0 && fs.existsSync(stackLock)) {
      fs.writeFileSync(`${saved}.${process.pid}.tmp`, fs.readFileSync(stackLock));
      fs.renameSync(`${saved}.${process.pid}.tmp`, saved);
    }
    return result;
  } finally {
    unlock();
  }
}

/** A short key of a stack's required providers (source and version constraint): stacks with the same key share a lock file. */
function providersKey(stackDir: string): string {
  let required: unknown = null;
  try {
    required = (JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as { terraform?: { required_providers?: unknown } }).terraform?.required_providers ?? null;
  } catch {
    // no readable stack: init reports it
  }
  return createHash('sha256').update(JSON.stringify(required)).digest('hex').slice(0, 12);
}

/** Runs a `-json` command, collecting (and passing on) each streamed UI message. */
async function runStreaming(runner: TerraformRunner, account: string, stackDir: string, args: string[]): Promise<{ result: RunResult; messages: UiMessage[] }> {
  const messages: UiMessage[] = [];
  const result = await runTerraform(runner, stackDir, args, (line) => {
    const [m] = parseUiStream(line);
    if (!m) return;
    messages.push(m);
    runner.onNews?.(account, m['@message']);
  });
  return { result, messages };
}

/** A failed command's diagnostics: Terraform's own when it printed them as JSON, otherwise its stderr. */
export function failureDiagnostics(step: string, r: RunResult): TerraformDiagnostic[] {
  const fromJson = diagnosticsFromUi(parseUiStream(r.stdout)).filter((d) => d.severity === 'error');
  if (fromJson.length) return fromJson;
  const why = r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
  const tail = r.stderr.trim().split('\n').slice(-8).join('\n');
  return [{ severity: 'error', summary: `terraform ${step} failed (${why})`, ...(tail ? { detail: tail } : {}) }];
}

/**
 * Plans one account's stack: `init`, `plan -json -out=tfplan` (streamed), `show -json tfplan`. The plan
 * file stays in the stack folder for apply. Every failure becomes the account's result, never an exception.
 */
export async function planStack(runner: TerraformRunner, account: string, stackDir: string, options: { roleArn?: string; refreshOnly?: boolean } = {}): Promise<PlanSummary> {
  const init = await initStack(runner, stackDir);
  if (init.code !== 0) return failedPlan(account, failureDiagnostics('init', init));
  const args = ['plan', '-input=false', '-json', '-out=tfplan'];
  if (options.roleArn) args.push(`-var=assume_role_arn=${options.roleArn}`);
  if (options.refreshOnly) args.push('-refresh-only');
  const { result: plan, messages } = await runStreaming(runner, account, stackDir, args);
  const diagnostics = diagnosticsFromUi(messages);
  if (plan.code !== 0 || !fs.existsSync(path.join(stackDir, 'tfplan'))) return failedPlan(account, diagnostics.length ? diagnostics : failureDiagnostics('plan', plan));
  const show = await runTerraform(runner, stackDir, ['show', '-json', 'tfplan']);
  if (show.code !== 0) return failedPlan(account, failureDiagnostics('show', show));
  try {
    return summarizePlan(account, show.stdout, diagnostics);
  } catch (err) {
    return failedPlan(account, [{ severity: 'error', summary: 'terraform show -json printed something that is not a plan', detail: (err as Error).message }]);
  }
}

/**
 * Applies one account's stack: `init`, then `apply -json` of the reviewed plan file when the stack
 * folder has one (`tfplan`), else `apply -json -auto-approve` (plan and apply), and reports what
 * happened to each resource. With `targets`, only those resources are planned and applied
 * (`-target`), never a reviewed plan. Never throws: an init failure is returned as `setupError`, a
 * killed process as exitCode null.
 */
export async function applyStack(runner: TerraformRunner, account: string, stackDir: string, options: { readonly targets?: readonly string[] } = {}): Promise<AccountApplyOutcome> {
  const init = await initStack(runner, stackDir);
  if (init.code !== 0) {
    const d = failureDiagnostics('init', init)[0];
    return { exitCode: init.code, setupError: d.detail ? `${d.summary}: ${d.detail}` : d.summary };
  }
  // only some resources (the identity-center stack holding back a permission set): plan and apply those
  const reviewed = !options.targets && fs.existsSync(path.join(stackDir, 'tfplan'));
  const targets = (options.targets ?? []).map((t) => `-target=${t}`);
  const args = reviewed ? ['apply', '-input=false', '-json', 'tfplan'] : ['apply', '-input=false', '-json', '-auto-approve', ...targets];
  const { result: r, messages } = await runStreaming(runner, account, stackDir, args);
  return { exitCode: r.signal ? null : r.code, report: applyReport(messages) };
}
