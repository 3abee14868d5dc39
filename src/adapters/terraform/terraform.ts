import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diagnosticsFromUi, failedPlan, parseUiStream, PlanSummary, summarizePlan, TerraformDiagnostic, UiMessage } from '../../plan/plan-summary';

/** How to run Terraform (or OpenTofu) for one stack. */
export interface TerraformRunner {
  /** terraform, tofu, or a path. */
  readonly binary: string;
  /** Shared provider plugin cache (TF_PLUGIN_CACHE_DIR), so stacks download the AWS provider once. */
  readonly pluginCacheDir: string;
  /** Extra environment (never logged). */
  readonly env?: NodeJS.ProcessEnv;
  /** Each streamed `-json` UI message, as it arrives. */
  readonly onMessage?: (account: string, message: UiMessage) => void;
}

/** The binary to run: the --terraform flag, else PRISM_TERRAFORM, else settings (empty values count as unset). */
export function terraformBinary(flag: string | undefined, configured: string): string {
  return flag || process.env.PRISM_TERRAFORM || configured;
}

/** The provider plugin cache all stacks share: TF_PLUGIN_CACHE_DIR, else <dir>/.terraform-plugin-cache. */
export function pluginCacheDir(dir: string): string {
  return process.env.TF_PLUGIN_CACHE_DIR || path.join(dir, '.terraform-plugin-cache');
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
      env: { ...process.env, ...runner.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', TF_PLUGIN_CACHE_DIR: runner.pluginCacheDir },
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

/** Runs a `-json` command, collecting (and passing on) each streamed UI message. */
async function runStreaming(runner: TerraformRunner, account: string, stackDir: string, args: string[]): Promise<{ result: RunResult; messages: UiMessage[] }> {
  const messages: UiMessage[] = [];
  const result = await runTerraform(runner, stackDir, args, (line) => {
    const [m] = parseUiStream(line);
    if (!m) return;
    messages.push(m);
    runner.onMessage?.(account, m);
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
  fs.mkdirSync(runner.pluginCacheDir, { recursive: true });
  const init = await runTerraform(runner, stackDir, ['init', '-input=false', '-no-color']);
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
 * folder has one (`tfplan`), else `apply -json -auto-approve` (plan and apply). Streams the UI
 * messages. Never throws: an init failure is returned as `setupError`, a killed process as exitCode null.
 */
export async function applyStack(runner: TerraformRunner, account: string, stackDir: string): Promise<{ exitCode: number | null; messages: UiMessage[]; setupError?: string }> {
  fs.mkdirSync(runner.pluginCacheDir, { recursive: true });
  const init = await runTerraform(runner, stackDir, ['init', '-input=false', '-no-color']);
  if (init.code !== 0) {
    const d = failureDiagnostics('init', init)[0];
    return { exitCode: init.code, messages: [], setupError: d.detail ? `${d.summary}: ${d.detail}` : d.summary };
  }
  const reviewed = fs.existsSync(path.join(stackDir, 'tfplan'));
  const args = reviewed ? ['apply', '-input=false', '-json', 'tfplan'] : ['apply', '-input=false', '-json', '-auto-approve'];
  const { result: r, messages } = await runStreaming(runner, account, stackDir, args);
  return { exitCode: r.signal ? null : r.code, messages };
}
