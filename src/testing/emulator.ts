/**
 * The AWS emulator environment shared by the end-to-end tests and the benchmark: the real terraform
 * binary, the AWS provider from a filesystem mirror (or the registry), and moto's AWS API emulator on
 * a free loopback port. Nothing here is a stand-in, and nothing in the product imports it.
 *
 * What it needs, and how each is found (never a hard-coded path):
 * - terraform: PRISM_TERRAFORM, else `terraform` on PATH;
 * - the AWS provider: PRISM_TF_PROVIDER_MIRROR (a filesystem mirror folder holding
 *   registry.terraform.io/hashicorp/aws/<version>/...), or PRISM_E2E_NETWORK=1 to install it from
 *   registry.terraform.io;
 * - moto: `python3 -m pip install "moto[server]"` (PRISM_PYTHON picks the interpreter).
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** test/e2e/moto_server.py: moto with two fidelity fixes (see the file). Both src/ and dist/ are two levels below the root. */
const MOTO_SERVER = path.join(__dirname, '..', '..', 'test', 'e2e', 'moto_server.py');

/** The tools the suite found. */
export interface E2eTools {
  readonly terraform: string;
  readonly terraformVersion: string;
  readonly python: string;
  /** The filesystem mirror, when one is used. */
  readonly mirror?: string;
  /** The provider version in the mirror (the stacks are pinned to it through terraform.providerVersion). */
  readonly providerVersion?: string;
}

/** Looks for terraform, the provider and moto; says what is missing and how to get it. */
export function findTools(): { tools?: E2eTools; missing: string[] } {
  const missing: string[] = [];
  const terraform = process.env.PRISM_TERRAFORM || 'terraform';
  const tv = spawnSync(terraform, ['version', '-json'], { encoding: 'utf8' });
  let terraformVersion = '';
  if (tv.status === 0) terraformVersion = (JSON.parse(tv.stdout) as { terraform_version: string }).terraform_version;
  else missing.push(`terraform (not runnable as ${JSON.stringify(terraform)}: install Terraform >= 1.5 on PATH, or set PRISM_TERRAFORM)`);

  let mirror: string | undefined;
  let providerVersion: string | undefined;
  if (process.env.PRISM_TF_PROVIDER_MIRROR) {
    mirror = path.resolve(process.env.PRISM_TF_PROVIDER_MIRROR);
    const versions = path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws');
    const found = fs.existsSync(versions) ? fs.readdirSync(versions).filter((v) => /^\d+\.\d+\.\d+$/.test(v)) : [];
    providerVersion = found.sort((a, b) => compareVersions(b, a))[0];
    if (!providerVersion) missing.push(`the AWS provider (PRISM_TF_PROVIDER_MIRROR=${mirror} has no registry.terraform.io/hashicorp/aws/<version>)`);
  } else if (process.env.PRISM_E2E_NETWORK !== '1') {
    missing.push("the AWS provider (set PRISM_TF_PROVIDER_MIRROR to a filesystem mirror, found with: find / -name 'terraform-provider-aws*'; or PRISM_E2E_NETWORK=1 to download it from registry.terraform.io)");
  }

  const { python, missing: noMoto } = findMoto();
  if (noMoto) missing.push(noMoto);

  if (missing.length) return { missing };
  return { tools: { terraform, terraformVersion, python, mirror, providerVersion }, missing };
}

/** Looks for moto's server; `missing` says why it cannot run and how to get it. */
export function findMoto(): { python: string; missing?: string } {
  const python = process.env.PRISM_PYTHON || 'python3';
  const moto = spawnSync(python, ['-c', 'import moto.server, flask'], { encoding: 'utf8' });
  return moto.status === 0 ? { python } : { python, missing: `moto's server (${python} cannot import moto.server: pip install "moto[server]")` };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** moto's server, started on a free loopback port and stopped afterwards. */
export class Moto {
  private constructor(
    private readonly child: ChildProcess,
    readonly endpoint: string,
  ) {}

  /** Starts test/e2e/moto_server.py (moto plus AWS's DeleteConflict) and waits until it answers. */
  static async start(python: string): Promise<Moto> {
    const child = spawn(python, [MOTO_SERVER], {
      env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`moto did not start in 30 s:\n${output}`)), 30_000);
      const onData = (c: Buffer) => {
        output += c.toString();
        const m = /PORT=(\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
      child.on('exit', (code) => reject(new Error(`moto exited with ${code}:\n${output}`)));
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const res = await fetch(`${endpoint}/moto-api/`);
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`moto on ${endpoint} did not answer in 30 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.stdout!.resume();
    child.stderr!.resume();
    return new Moto(child, endpoint);
  }

  /** Forgets every account's resources. */
  async reset(): Promise<void> {
    const res = await fetch(`${this.endpoint}/moto-api/reset`, { method: 'POST' });
    if (!res.ok) throw new Error(`moto reset answered ${res.status}`);
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** A Terraform CLI configuration that installs the AWS provider only from the mirror (no network). */
export function writeCliConfig(dir: string, mirror: string): string {
  const file = path.join(dir, 'terraform.rc');
  fs.writeFileSync(
    file,
    `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror)}
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`,
  );
  return file;
}

/** The region every e2e stack and client uses. */
export const E2E_REGION = 'eu-west-1';

/**
 * The environment for prism, terraform and the SDK: moto's endpoint, dummy root credentials (moto's
 * default account; prism assumes a role into each target account), the CLI config and a plugin cache
 * shared by every e2e test file (safe on a cold cache: prism takes a lock for the first init).
 */
export function e2eEnv(tools: E2eTools, moto: Moto, work: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'prism-e2e',
    AWS_SECRET_ACCESS_KEY: 'prism-e2e-not-a-secret',
    AWS_SESSION_TOKEN: '',
    AWS_REGION: E2E_REGION,
    AWS_DEFAULT_REGION: E2E_REGION,
    AWS_PROFILE: '',
    AWS_CONFIG_FILE: path.join(work, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'no-aws-credentials'),
    TF_PLUGIN_CACHE_DIR: path.join(os.tmpdir(), 'prism-e2e-plugin-cache'),
    PRISM_TERRAFORM: tools.terraform,
    CI: 'true',
    GITHUB_STEP_SUMMARY: '',
  };
  if (tools.mirror) env.TF_CLI_CONFIG_FILE = writeCliConfig(work, tools.mirror);
  return env;
}

/** The `terraform` settings block for an e2e repository: the mirror's provider version when a mirror is used. */
export function terraformSettings(tools: E2eTools, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...(tools.providerVersion ? { providerVersion: tools.providerVersion } : {}), concurrency: 2, ...extra };
}
