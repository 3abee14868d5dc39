import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../artifacts/atomic-file';
import { acquireLockFile } from '../../artifacts/locks';
import { AccountApplyOutcome, PlanSummary, TerraformDiagnostic } from '../../model/terraform';
import { failedPlan, summarizePlan } from './plan-json';
import { configuredResources, summarizePlanStream } from './plan-stream';
import { ProviderProcess, startProvider } from './provider-process';
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
  /**
   * Where each stack's initialised working data (TF_DATA_DIR: the backend configuration and the
   * installed providers) is kept, one folder per stack, so that it outlives the stack folder, which
   * synth replaces whole. Undefined: `.terraform` in the stack folder, initialised every time.
   */
  readonly dataRoot?: string;
  /**
   * Plan with one provider process per account that Terraform attaches to (TF_REATTACH_PROVIDERS),
   * rather than the three Terraform starts per plan and the one per show. @default true
   */
  readonly attachProvider?: boolean;
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

/**
 * Go's garbage collector target for Terraform and its provider, unless GOGC is set: each run decodes
 * the AWS provider's schema (thousands of resource types) and throws it away, and at Go's default
 * (100) collecting it costs about a fifth of their CPU; at 400 that share mostly goes, for about
 * 200 MB more per process (measured here; see README, Performance).
 */
const GO_GC = '400';

/** The environment Terraform runs with, for a stack (and the provider it attaches to). */
function terraformEnv(runner: TerraformRunner, stackDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    GOGC: GO_GC,
    ...process.env,
    ...runner.env,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    ...(runner.pluginCacheDir ? { TF_PLUGIN_CACHE_DIR: runner.pluginCacheDir } : {}),
    ...(runner.dataRoot ? { TF_DATA_DIR: dataDir(runner, stackDir) } : {}),
    ...extra,
  };
}

/** A stack's working data folder: `<dataRoot>/<stack folder name>`, else `.terraform` in the stack folder. */
function dataDir(runner: TerraformRunner, stackDir: string): string {
  return runner.dataRoot ? path.join(runner.dataRoot, path.basename(stackDir)) : path.join(stackDir, '.terraform');
}

/** Runs one Terraform command in a stack's folder; never throws for a non-zero exit. */
export function runTerraform(runner: TerraformRunner, cwd: string, args: string[], onLine?: (line: string) => void, extraEnv?: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(runner.binary, args, { cwd, env: terraformEnv(runner, cwd, extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
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

/** How far a stack's working data was initialised: `full` installed the providers; `backend` only configured the backend (providers attached). */
type InitMode = 'full' | 'backend';

/** What Prism records in a working data folder after an init: for which configuration, and how far. */
interface InitMarker {
  readonly key: string;
  readonly mode: InitMode;
}

const MARKER = '.prism-init.json';
const SKIPPED: RunResult = { code: 0, signal: null, stdout: '', stderr: '' };

/**
 * What an init depends on: the stack's `terraform` block (backend and required providers), its
 * dependency lock file, and the binary. The same key means the working data can be reused as it is.
 */
function initKey(runner: TerraformRunner, stackDir: string): string {
  let block: unknown = null;
  try {
    block = (JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as { terraform?: unknown }).terraform ?? null;
  } catch {
    // no readable stack: init reports it
  }
  const lock = fs.existsSync(path.join(stackDir, '.terraform.lock.hcl')) ? fs.readFileSync(path.join(stackDir, '.terraform.lock.hcl'), 'utf8') : '';
  return createHash('sha256').update(JSON.stringify([block, lock, runner.binary])).digest('hex');
}

function readMarker(dir: string): InitMarker | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8')) as InitMarker;
  } catch {
    return undefined;
  }
}

/**
 * `terraform init` in a stack folder, safe for many stacks at once on a shared plugin cache, and
 * skipped when the stack's kept working data was initialised for the same backend, providers and
 * lock file (`dataRoot`). Otherwise the working data is started afresh, as a new stack folder would be.
 *
 * Terraform only reads its plugin cache when the stack's dependency lock file already records the
 * provider's checksum; without one, every init installs the provider into the cache again, and two
 * inits doing that at once fail ("there is no package ... cached in .terraform/providers"). So the
 * first init for a set of required providers runs alone, holding a lock file in the cache that other
 * Prism processes honour too, and its `.terraform.lock.hcl` is saved beside the cache. Every later
 * init starts from that lock file, so it only reads the cache and can run concurrently.
 *
 * `mode: 'backend'` with `reattach`: Terraform installs no provider that is attached, so the init only
 * configures the backend and never touches the cache. `force`: init even when the working data is current.
 */
export async function initStack(runner: TerraformRunner, stackDir: string, options: { mode?: InitMode; reattach?: string; force?: boolean } = {}): Promise<RunResult> {
  const mode = options.mode ?? 'full';
  const cache = runner.pluginCacheDir;
  const saved = cache && path.join(cache, `.prism-${providersKey(stackDir)}.terraform.lock.hcl`);
  const stackLock = path.join(stackDir, '.terraform.lock.hcl');
  if (saved && fs.existsSync(saved) && !fs.existsSync(stackLock)) fs.copyFileSync(saved, stackLock);

  // reuse the kept working data when it was initialised for this configuration
  const data = dataDir(runner, stackDir);
  const key = initKey(runner, stackDir);
  const marker = runner.dataRoot ? readMarker(data) : undefined;
  if (!options.force && marker?.key === key && (marker.mode === 'full' || mode === 'backend')) return SKIPPED;
  if (runner.dataRoot && marker?.key !== key) fs.rmSync(data, { recursive: true, force: true });

  const init = async () => {
    const args = ['init', '-input=false', '-no-color'];
    const result = await runTerraform(runner, stackDir, args, undefined, mode === 'backend' && options.reattach ? { TF_REATTACH_PROVIDERS: options.reattach } : {});
    if (result.code === 0 && runner.dataRoot) writeFileAtomic(path.join(data, MARKER), JSON.stringify({ key: initKey(runner, stackDir), mode } satisfies InitMarker));
    return result;
  };
  if (!saved || mode === 'backend') return init();
  fs.mkdirSync(cache, { recursive: true });
  if (fs.existsSync(saved)) return init();
  const unlock = await acquireLockFile(path.join(cache, '.prism-init.lock'), 'the plugin cache lock');
  try {
    if (fs.existsSync(saved)) {
      // filled while we waited
      if (!fs.existsSync(stackLock)) fs.copyFileSync(saved, stackLock);
      return await init();
    }
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
async function runStreaming(runner: TerraformRunner, account: string, stackDir: string, args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<{ result: RunResult; messages: UiMessage[] }> {
  const messages: UiMessage[] = [];
  const result = await runTerraform(
    runner,
    stackDir,
    args,
    (line) => {
      const [m] = parseUiStream(line);
      if (!m) return;
      messages.push(m);
      runner.onNews?.(account, m['@message']);
    },
    extraEnv,
  );
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

/** The provider a run attaches plans to, found by its one real `terraform init`. */
interface ProviderSetup {
  /** That init's result: a failure is the result of the account it ran for. */
  readonly init: RunResult;
  readonly account: string;
  /** The provider executable init installed and verified against the lock file, and its address. */
  readonly provider?: { readonly binary: string; readonly address: string };
  /** The lock file init wrote, for every stack that shares the providers. */
  readonly lock?: string;
  /** Why a provider process could not be attached (then no later account tries). */
  unattachable?: string;
}

const setups = new WeakMap<TerraformRunner, Map<string, Promise<ProviderSetup>>>();

/**
 * Once per run and set of required providers: a real `terraform init` in the first stack to plan,
 * which installs the provider and verifies it against the lock file; its executable is the one every
 * account's provider process runs. Attaching needs exactly one provider in the stack.
 */
function providerSetup(runner: TerraformRunner, account: string, stackDir: string): Promise<ProviderSetup> {
  let byKey = setups.get(runner);
  if (!byKey) setups.set(runner, (byKey = new Map()));
  const key = providersKey(stackDir);
  let setup = byKey.get(key);
  if (!setup) {
    setup = (async () => {
      const init = await initStack(runner, stackDir, { force: true });
      if (init.code !== 0) return { init, account };
      const lockFile = path.join(stackDir, '.terraform.lock.hcl');
      return { init, account, provider: installedProvider(path.join(dataDir(runner, stackDir), 'providers')), ...(fs.existsSync(lockFile) ? { lock: fs.readFileSync(lockFile, 'utf8') } : {}) };
    })();
    byKey.set(key, setup);
  }
  return setup;
}

/** The one provider executable under a working data folder's `providers/<host>/<namespace>/<type>/<version>/<os_arch>/`, with its address. */
function installedProvider(root: string): { binary: string; address: string } | undefined {
  const found: { binary: string; address: string }[] = [];
  const list = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);
  for (const host of list(root))
    for (const ns of list(path.join(root, host)))
      for (const type of list(path.join(root, host, ns)))
        for (const version of list(path.join(root, host, ns, type)))
          for (const platform of list(path.join(root, host, ns, type, version))) {
            const dir = path.join(root, host, ns, type, version, platform);
            for (const file of list(dir)) if (file.startsWith(`terraform-provider-${type}`)) found.push({ binary: path.join(dir, file), address: `${host}/${ns}/${type}` });
          }
  return found.length === 1 ? found[0] : undefined;
}

/** Whether plans attach to a provider process: when asked, and when working data is kept (an attached init installs no provider). */
const attaching = (runner: TerraformRunner) => runner.attachProvider !== false && runner.dataRoot !== undefined;

/**
 * Plans one account's stack: `init` (skipped when its kept working data is current), `plan -json
 * -out=tfplan` (streamed), and `show -json tfplan` only when the stream cannot give the summary (see
 * plan-stream.ts). With `attachProvider`, the plan and show attach to a provider process started for
 * this account alone. The plan file stays in the stack folder for apply. Every failure becomes the
 * account's result, never an exception.
 */
export async function planStack(runner: TerraformRunner, account: string, stackDir: string, options: { roleArn?: string; refreshOnly?: boolean } = {}): Promise<PlanSummary> {
  let provider: ProviderProcess | undefined;
  try {
    let init: RunResult | undefined;
    if (attaching(runner)) {
      const setup = await providerSetup(runner, account, stackDir);
      if (setup.account === account) init = setup.init;
      if (setup.provider && !setup.unattachable) {
        try {
          provider = await startProvider(setup.provider.binary, terraformEnv(runner, stackDir, quietProvider()), setup.provider.address);
        } catch (err) {
          // e.g. OpenTofu installs from its own registry, which the provider does not name: plan as Terraform starts it
          setup.unattachable = (err as Error).message;
          runner.onNews?.(account, `planning without an attached provider: ${setup.unattachable}`);
        }
      }
      if (provider && setup.lock && !fs.existsSync(path.join(stackDir, '.terraform.lock.hcl'))) fs.writeFileSync(path.join(stackDir, '.terraform.lock.hcl'), setup.lock);
    }
    const attach = provider ? { TF_REATTACH_PROVIDERS: provider.reattach } : undefined;
    init ??= await initStack(runner, stackDir, provider ? { mode: 'backend', reattach: provider.reattach } : {});
    if (init.code !== 0) return failedPlan(account, failureDiagnostics('init', init));

    const args = ['plan', '-input=false', '-json', '-out=tfplan'];
    if (options.roleArn) args.push(`-var=assume_role_arn=${options.roleArn}`);
    if (options.refreshOnly) args.push('-refresh-only');
    const { result: plan, messages } = await runStreaming(runner, account, stackDir, args, attach);
    const diagnostics = diagnosticsFromUi(messages);
    if (plan.code !== 0 || !fs.existsSync(path.join(stackDir, 'tfplan'))) return failedPlan(account, diagnostics.length ? diagnostics : failureDiagnostics('plan', plan));
    if (!options.refreshOnly) {
      const fromStream = summarizePlanStream(account, messages, configuredResources(readStack(stackDir)), diagnostics);
      if (fromStream) return fromStream;
    }
    const show = await runTerraform(runner, stackDir, ['show', '-json', 'tfplan'], undefined, attach);
    if (show.code !== 0) return failedPlan(account, failureDiagnostics('show', show));
    try {
      return summarizePlan(account, show.stdout, diagnostics);
    } catch (err) {
      return failedPlan(account, [{ severity: 'error', summary: 'terraform show -json printed something that is not a plan', detail: (err as Error).message }]);
    }
  } finally {
    await provider?.stop();
  }
}

function readStack(stackDir: string): { resource?: Record<string, Record<string, unknown>> } {
  try {
    return JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
  } catch {
    return {};
  }
}

/**
 * A provider Terraform starts logs only when TF_LOG asks; one started in debug mode logs everything
 * to its stderr, which nobody reads. Quiet it, unless the user asked for logs.
 */
function quietProvider(): NodeJS.ProcessEnv {
  return process.env.TF_LOG || process.env.TF_LOG_PROVIDER ? {} : { TF_LOG_PROVIDER: 'off', TF_LOG_SDK: 'off' };
}

/**
 * Applies one account's stack: `init` (skipped when its kept working data is current), then `apply
 * -json` of the reviewed plan file when the stack folder has one (`tfplan`), else `apply -json
 * -auto-approve` (plan and apply), and reports what happened to each resource. Apply configures the
 * provider twice, so Terraform starts its own. With `targets`, only those resources are planned and
 * applied (`-target`), never a reviewed plan. Never throws: an init failure is returned as
 * `setupError`, a killed process as exitCode null.
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
