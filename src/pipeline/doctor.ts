/**
 * The doctor use case: whether this machine (or this workflow job) has what Prism needs, and what to
 * do about what it lacks: a supported Node, the repository, git, Terraform at the version the
 * repository pins (`.terraform-version`), and, in a workflow, the repository variable of the hub
 * role it signs in with. The workflows run it first, so a missing setting fails with a message that
 * names it, and it tells them which Terraform to install.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatWorkflowCommand } from '../core/diagnostics';
import { inActions, isFork, pullRequestEvent, setStepOutput } from '../adapters/github/actions';
import { terraformVersion } from '../adapters/terraform/version';
import { isRepositoryRoot } from './find-repository';

/** The file that pins the Terraform version, at the repository root (the tfenv / tenv convention). */
export const TERRAFORM_VERSION_FILE = '.terraform-version';

/** Node's end-of-life dates of the majors Prism still runs on. */
const NODE_END_OF_LIFE: Record<number, string> = { 20: '2026-04-30' };
/** The Node majors Prism supports (package.json engines, the workflows' .node-version). */
export const SUPPORTED_NODE = [22, 24];

/** One check, and what to do when it is not ok. */
export interface DoctorCheck {
  readonly name: string;
  readonly status: 'ok' | 'warning' | 'error';
  readonly detail: string;
}

/** Which hub role a workflow job signs in with, and the repository variable that holds it. */
export const ROLE_VARIABLES = { plan: 'PRISM_PLAN_HUB_ROLE_ARN', deploy: 'PRISM_DEPLOY_HUB_ROLE_ARN' } as const;

/** What `doctor` found. */
export interface DoctorOutcome {
  readonly checks: readonly DoctorCheck[];
  /** The Terraform version the repository pins, when it does. */
  readonly terraformPinned?: string;
  /** In a workflow with a role: whether the job gets AWS credentials (not for a fork's pull request). */
  readonly aws?: boolean;
  /** Workflow commands (annotations) for what is wrong, in Actions. */
  readonly annotations: readonly string[];
}

/**
 * Checks the machine and the workflow job. `role`: the hub role the job signs in with; its
 * repository variable must be set (the workflow passes it in the environment), except for a fork's
 * pull request, which gets no AWS credentials (`aws` false). In Actions, sets the step outputs `aws`
 * and `terraform-version`.
 */
export function doctor(input: { readonly dir: string; readonly role?: 'plan' | 'deploy'; readonly terraform?: string; readonly env?: NodeJS.ProcessEnv }): DoctorOutcome {
  const env = input.env ?? process.env;
  const checks: DoctorCheck[] = [];
  const annotations: string[] = [];

  // node
  const major = Number(process.versions.node.split('.')[0]);
  if (SUPPORTED_NODE.includes(major) || major > SUPPORTED_NODE[SUPPORTED_NODE.length - 1]) checks.push({ name: 'node', status: 'ok', detail: `Node ${process.versions.node}` });
  else checks.push({ name: 'node', status: 'warning', detail: `Node ${process.versions.node} works, but Node ${major} ${NODE_END_OF_LIFE[major] ? `reached end of life on ${NODE_END_OF_LIFE[major]}` : 'is not supported'}; use Node ${SUPPORTED_NODE.join(' or ')} (the workflows use .node-version)` });

  // the repository
  const repo = isRepositoryRoot(input.dir);
  checks.push(repo ? { name: 'repository', status: 'ok', detail: input.dir } : { name: 'repository', status: 'error', detail: `${input.dir} has none of policies/, permission-sets/, assignments/` });

  // git
  const git = spawnSync('git', ['--version'], { encoding: 'utf8' });
  checks.push(git.status === 0 ? { name: 'git', status: 'ok', detail: git.stdout.trim() } : { name: 'git', status: 'error', detail: 'git is not on PATH: every command that reads a commit or the ledger needs it' });

  // terraform, at the pinned version
  const pinFile = path.join(input.dir, TERRAFORM_VERSION_FILE);
  const pinned = fs.existsSync(pinFile) ? fs.readFileSync(pinFile, 'utf8').trim() : undefined;
  if (pinned !== undefined && !/^\d+\.\d+\.\d+$/.test(pinned)) {
    checks.push({ name: 'terraform', status: 'error', detail: `${TERRAFORM_VERSION_FILE} holds ${JSON.stringify(pinned)}; expected one exact version such as 1.11.4` });
  } else {
    const binary = input.terraform || env.PRISM_TERRAFORM || 'terraform';
    const found = terraformVersion(binary);
    if ('problem' in found) checks.push({ name: 'terraform', status: inActions(env) ? 'ok' : 'warning', detail: inActions(env) ? `not installed yet; the workflow installs ${pinned ?? 'it'}` : `${found.problem}: plan, apply, retry and bootstrap need Terraform${pinned ? ` ${pinned}` : ''}` });
    else if (pinned && found.version !== pinned) checks.push({ name: 'terraform', status: 'warning', detail: `${binary} is ${found.version}; the repository pins ${pinned} (${TERRAFORM_VERSION_FILE}), which CI uses` });
    else checks.push({ name: 'terraform', status: 'ok', detail: `${binary} ${found.version}${pinned ? ' (the pinned version)' : ''}` });
  }
  if (pinned) setStepOutput('terraform-version', pinned, env);

  // the hub role the workflow job signs in with
  let aws: boolean | undefined;
  if (input.role) {
    const variable = ROLE_VARIABLES[input.role];
    const event = pullRequestEvent(env);
    if (event && isFork(event)) {
      aws = false;
      checks.push({ name: 'aws', status: 'ok', detail: `pull request #${event.number} comes from a fork: no AWS credentials; validation and the offline preview only` });
    } else if (!env[variable]) {
      aws = false;
      const message = `Set the repository variable ${variable} to the ${input.role === 'plan' ? 'PrismPlanHub' : 'PrismDeployHub'} role ARN that prism bootstrap prints (Settings > Secrets and variables > Actions > Variables; README: Set up in your organisation).`;
      checks.push({ name: 'aws', status: 'error', detail: message });
      if (inActions(env)) annotations.push(formatWorkflowCommand('error', 'Prism is not set up', message));
    } else {
      aws = true;
      checks.push({ name: 'aws', status: 'ok', detail: `${variable} is set` });
    }
    setStepOutput('aws', String(aws), env);
  }
  return { checks, ...(pinned ? { terraformPinned: pinned } : {}), ...(aws !== undefined ? { aws } : {}), annotations };
}
