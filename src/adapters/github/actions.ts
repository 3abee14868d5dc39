/**
 * The GitHub Actions environment: the run's link, the job summary, step outputs and the event that
 * started the run. Everything Prism reads from or writes to the Actions runner goes through here.
 * @see https://docs.github.com/actions/reference/workflows-and-actions/variables
 */
import * as fs from 'node:fs';

/** The link to the current workflow run, when running in Actions. */
export function workflowRunUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  return server && repo && id ? `${server}/${repo}/actions/runs/${id}` : undefined;
}

/** The repository's web address (https://github.com/OWNER/NAME), when running in Actions. */
export function repositoryUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo } = env;
  return server && repo ? `${server}/${repo}` : undefined;
}

/** owner/name of the repository the workflow runs in (GITHUB_REPOSITORY). */
export function repositorySlug(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.GITHUB_REPOSITORY || undefined;
}

/** The commit the workflow runs on (GITHUB_SHA): for a push to main, the merge commit. */
export function workflowCommit(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return /^[0-9a-f]{40}$/.test(env.GITHUB_SHA ?? '') ? env.GITHUB_SHA : undefined;
}

/** Whether this process runs in a GitHub Actions job. */
export function inActions(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

/**
 * GitHub's limit on one step's job summary: 1 MiB; a step over it fails to upload its summary.
 * @see https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands#adding-a-job-summary
 */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;

/**
 * Appends markdown to the job summary ($GITHUB_STEP_SUMMARY), when there is one. Callers fit their
 * text first; as a last guard, what would take the step's summary past 1 MiB is cut, with a note.
 */
export function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  let text = markdown.endsWith('\n') ? markdown : markdown + '\n';
  const used = fs.existsSync(file) ? fs.statSync(file).size : 0;
  const room = STEP_SUMMARY_LIMIT - used;
  if (Buffer.byteLength(text) > room) {
    const note = '\n\n…(cut: GitHub keeps at most 1 MiB of job summary per step)\n';
    const keep = Math.max(0, room - Buffer.byteLength(note));
    if (keep === 0) return;
    text = Buffer.from(text).subarray(0, keep).toString('utf8').replace(/\uFFFD$/, '') + note;
  }
  fs.appendFileSync(file, text);
}

/** Sets a step output ($GITHUB_OUTPUT), when there is one. The value must be one line. */
export function setStepOutput(name: string, value: string, env: NodeJS.ProcessEnv = process.env): void {
  if (/[\r\n]/.test(value)) throw new Error(`step output ${name} must be one line`);
  if (env.GITHUB_OUTPUT) fs.appendFileSync(env.GITHUB_OUTPUT, `${name}=${value}\n`);
}

/** The pull request of the event that started the run, when it is one. */
export interface PullRequestEvent {
  readonly number: number;
  readonly body: string;
  readonly labels: readonly string[];
  readonly headSha?: string;
  readonly baseSha?: string;
  /** owner/name of the head branch's repository: another repository for a fork's pull request. */
  readonly headRepo?: string;
  /** owner/name of the repository the pull request goes into. */
  readonly baseRepo?: string;
}

/** Whether a pull request comes from a fork (its token cannot write, and it gets no AWS credentials). */
export function isFork(pr: PullRequestEvent): boolean {
  return Boolean(pr.headRepo && pr.baseRepo && pr.headRepo.toLowerCase() !== pr.baseRepo.toLowerCase());
}

/** Reads the pull request from $GITHUB_EVENT_PATH; undefined outside a pull_request event. */
export function pullRequestEvent(env: NodeJS.ProcessEnv = process.env): PullRequestEvent | undefined {
  const file = env.GITHUB_EVENT_PATH;
  if (!file || !fs.existsSync(file)) return undefined;
  try {
    type Ref = { sha?: string; repo?: { full_name?: string } | null };
    const event = JSON.parse(fs.readFileSync(file, 'utf8')) as { pull_request?: { number: number; body?: string | null; labels?: { name: string }[]; head?: Ref; base?: Ref } };
    const pr = event.pull_request;
    if (!pr) return undefined;
    return {
      number: pr.number,
      body: pr.body ?? '',
      labels: (pr.labels ?? []).map((l) => l.name),
      headSha: pr.head?.sha,
      baseSha: pr.base?.sha,
      ...(pr.head?.repo?.full_name ? { headRepo: pr.head.repo.full_name } : {}),
      ...(pr.base?.repo?.full_name ? { baseRepo: pr.base.repo.full_name } : {}),
    };
  } catch {
    return undefined;
  }
}
