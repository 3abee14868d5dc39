import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export const PRISM_BIN = path.join(__dirname, '..', '..', 'bin', 'prism.js');

/** Runs the built `prism` CLI as a real child process. */
export function runPrism(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const res = spawnSync(process.execPath, [PRISM_BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    input: options.input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}
