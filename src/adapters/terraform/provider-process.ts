/**
 * One provider plugin process that Terraform attaches to (TF_REATTACH_PROVIDERS) instead of starting
 * its own. Terraform starts the provider three times per `plan` (schema, validate, plan) and again for
 * `show`, and verifies the 700 MB AWS provider against the lock file each time; an attached provider
 * is started once and verified once per run (by the one real `terraform init` of `prism plan`).
 *
 * Each process serves exactly one account, one Terraform command at a time, and is stopped when that
 * account is done: the AWS provider cannot be configured twice in one process (with AWS_CA_BUNDLE set
 * the second configuration fails: "unable to add custom RootCAs HTTPClient"), so a process is never
 * reused for another account, and never used by commands that configure it twice (`apply`).
 *
 * The provider runs under a small shell that kills it when its stdin closes, so it never outlives
 * Prism, even when Prism is killed.
 * @see https://developer.hashicorp.com/terraform/plugin/debugging#running-terraform-with-a-provider-in-debug-mode
 */
import { spawn } from 'node:child_process';

/** A running provider process. */
export interface ProviderProcess {
  /** The value of TF_REATTACH_PROVIDERS that attaches Terraform to it. */
  readonly reattach: string;
  /** Stops it (idempotent); resolves when it has exited. */
  stop(): Promise<void>;
}

/** Kills the provider when stdin closes: Prism stopping it, or Prism's death. */
const SUPERVISOR = '"$1" -debug </dev/null & p=$!; trap \'kill $p 2>/dev/null\' EXIT; read -r _; kill $p 2>/dev/null; wait $p';

/** How long a provider may take to print its reattach configuration. */
const START_TIMEOUT_MS = 60_000;

/**
 * Starts `binary` in debug mode with `env` (the environment Terraform would give it) and resolves
 * once it prints its reattach configuration; rejects if it exits or says nothing usable first.
 * `expected`: the provider address the configuration must name (e.g. registry.terraform.io/hashicorp/aws).
 */
export function startProvider(binary: string, env: NodeJS.ProcessEnv, expected: string): Promise<ProviderProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', SUPERVISOR, 'prism-provider', binary], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let errTail = '';
    let settled = false;
    const exited = new Promise<void>((r) => child.on('close', () => r()));
    let providerPid = 0;
    const stop = async () => {
      child.stdin.end();
      const timer = setTimeout(() => {
        if (providerPid) killQuietly(providerPid);
        child.kill('SIGKILL');
      }, 10_000);
      await exited;
      clearTimeout(timer);
    };
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop();
      reject(new Error(`${why}${errTail.trim() ? `: ${errTail.trim().split('\n').slice(-5).join('\n')}` : ''}`));
    };
    const timer = setTimeout(() => fail(`the provider did not start in ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    child.on('error', (err) => fail(`cannot start ${binary}: ${err.message}`));
    child.on('close', () => fail('the provider exited before it could be attached'));
    child.stderr.on('data', (c: Buffer) => (errTail = (errTail + c.toString()).slice(-4096)));
    child.stdout.on('data', (c: Buffer) => {
      if (settled) return;
      out += c.toString();
      const m = /TF_REATTACH_PROVIDERS='(\{.*\})'/.exec(out);
      if (!m) return;
      let config: Record<string, { Pid?: number }>;
      try {
        config = JSON.parse(m[1]) as Record<string, { Pid?: number }>;
      } catch {
        return fail('the provider printed a reattach configuration that is not JSON');
      }
      if (!config[expected]) return fail(`the provider serves ${Object.keys(config).join(', ')}, not ${expected}`);
      providerPid = config[expected].Pid ?? 0;
      settled = true;
      clearTimeout(timer);
      resolve({ reattach: m[1], stop });
    });
  });
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
