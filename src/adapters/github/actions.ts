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

/** Appends markdown to the job summary ($GITHUB_STEP_SUMMARY), when there is one. */
export function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.GITHUB_STEP_SUMMARY) fs.appendFileSync(env.GITHUB_STEP_SUMMARY, markdown.endsWith('\n') ? markdown : markdown + '\n');
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
}

/** Reads the pull request from $GITHUB_EVENT_PATH; undefined outside a pull_request event. */
export function pullRequestEvent(env: NodeJS.ProcessEnv = process.env): PullRequestEvent | undefined {
  const file = env.GITHUB_EVENT_PATH;
  if (!file || !fs.existsSync(file)) return undefined;
  try {
    const event = JSON.parse(fs.readFileSync(file, 'utf8')) as { pull_request?: { number: number; body?: string | null; labels?: { name: string }[]; head?: { sha?: string }; base?: { sha?: string } } };
    const pr = event.pull_request;
    if (!pr) return undefined;
    return { number: pr.number, body: pr.body ?? '', labels: (pr.labels ?? []).map((l) => l.name), headSha: pr.head?.sha, baseSha: pr.base?.sha };
  } catch {
    return undefined;
  }
}
