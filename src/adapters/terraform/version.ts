/** The version of a Terraform (or OpenTofu) binary, from `<binary> version -json`. */
import { spawnSync } from 'node:child_process';

/** The binary's version (e.g. "1.11.4"), or the reason it could not be run. */
export function terraformVersion(binary: string): { version: string } | { problem: string } {
  const r = spawnSync(binary, ['version', '-json'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, TF_IN_AUTOMATION: '1' } });
  if (r.error) return { problem: `cannot run ${binary}: ${r.error.message}` };
  if (r.status !== 0) return { problem: `${binary} version exited ${r.status}` };
  try {
    const v = JSON.parse(r.stdout) as { terraform_version?: string };
    if (v.terraform_version) return { version: v.terraform_version };
  } catch {
    // not JSON: an old binary
  }
  return { problem: `${binary} version -json printed no version` };
}
