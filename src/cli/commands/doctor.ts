import * as path from 'node:path';
import { oneOf } from '../args';
import { doctor } from '../../pipeline/doctor';
import { findRepository } from '../../pipeline/find-repository';
import { defineCommand } from '../command';
import { DIR, QUIET } from '../flags';
import { paintFor } from '../terminal';

/** `prism doctor`. */
export const command = defineCommand({
  name: 'doctor',
  summary: 'check that this machine or workflow job has what Prism needs, and say what to fix',
  usage: ['doctor [--dir DIR] [--role plan|deploy] [--terraform BIN] [--quiet]'],
  description: `Checks Node (22 or 24; 20 still runs but reached end of life), the repository, git, and Terraform
at the version the repository pins in .terraform-version (what CI installs). In a workflow job,
--role checks that the job's hub role variable is set (PRISM_PLAN_HUB_ROLE_ARN or
PRISM_DEPLOY_HUB_ROLE_ARN, passed in the environment), except for a fork's pull request, which gets
no AWS credentials; and sets the step outputs aws (true or false) and terraform-version.`,
  flags: {
    quiet: QUIET,
    dir: DIR,
    role: { type: 'string', value: 'ROLE', description: 'plan, deploy or none (default): the hub role this workflow job signs in with, whose repository variable must be set' },
    terraform: { type: 'string', value: 'BIN', description: 'the Terraform binary to check (default: PRISM_TERRAFORM, else terraform)' },
  },
  examples: [
    { command: 'doctor', description: 'before the first run on a new machine' },
    { command: 'doctor --role plan', description: 'the first step of a pull request workflow job' },
  ],
  exitCodes: ['0 ready (warnings allowed)', '1 something Prism needs is missing (each problem says what to do)', '2 usage error'],
  async run({ flags }, io) {
    const chosen = oneOf('role', flags.role, ['plan', 'deploy', 'none'] as const, 'none');
    const role = chosen === 'none' ? undefined : chosen;
    let dir: string;
    try {
      dir = findRepository(flags.dir);
    } catch {
      dir = path.resolve(flags.dir ?? '.');
    }
    const outcome = doctor({ dir, role, terraform: flags.terraform });
    const paint = paintFor(io.terminal?.stdout ?? { color: false });
    const mark = { ok: paint.success('ok'), warning: paint.warning('warning'), error: paint.error('error') };
    for (const c of outcome.checks) if (!flags.quiet || c.status !== 'ok') io.stdout(`${mark[c.status].padEnd(7 + (mark[c.status].length - c.status.length))}  ${c.name.padEnd(10)} ${c.detail}\n`);
    for (const a of outcome.annotations) io.stdout(a + '\n');
    return outcome.checks.some((c) => c.status === 'error') ? 1 : 0;
  },
});
