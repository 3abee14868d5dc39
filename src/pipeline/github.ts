/**
 * How use cases reach GitHub: a client for the repository the workflow runs in, Prism's identity,
 * and the pull request a push to main merged. The token comes from GITHUB_TOKEN and is never printed.
 */
import { repositorySlug, workflowCommit } from '../adapters/github/actions';
import type { GitHub } from '../adapters/github/client';
import { Reporter } from './reporter';

/** A GitHub client for a repository, and who Prism posts as there. */
export interface GitHubContext {
  readonly gh: GitHub;
  readonly repo: { readonly owner: string; readonly repo: string };
  readonly author: () => Promise<string>;
}

/** The client for `repo` (default GITHUB_REPOSITORY); a usage error without a token or a repository. */
export async function githubContext(reporter: Reporter, repo?: string): Promise<GitHubContext> {
  const { createGitHub, parseRepoSlug } = await import('../adapters/github/client');
  const { commentAuthor } = await import('../adapters/github/comment');
  const gh = createGitHub({ log: (l) => reporter.info(l) });
  let author: string | undefined;
  return { gh, repo: parseRepoSlug(repo ?? repositorySlug()), author: async () => (author ??= await commentAuthor(gh)) };
}

/** The pull request merged as the commit this workflow runs on (GITHUB_SHA), or undefined (a direct push, or not in Actions). */
export async function mergedPullRequestOfRun(ctx: GitHubContext): Promise<number | undefined> {
  const sha = workflowCommit();
  if (!sha) return undefined;
  const { mergedPullRequest } = await import('../adapters/github/comment');
  return mergedPullRequest(ctx.gh, ctx.repo, sha);
}
