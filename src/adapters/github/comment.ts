import { externalError } from '../../core/errors';
import { GitHub } from './client';

/** Where a pull request lives. */
export interface PullRequestRef {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
}

/**
 * The login Prism posts as: `PRISM_COMMENT_AUTHOR` when set; else the token's user (`GET /user`);
 * else `github-actions[bot]`, which is who a workflow's GITHUB_TOKEN posts as (an installation
 * token cannot read /user).
 */
export async function commentAuthor(gh: GitHub, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.PRISM_COMMENT_AUTHOR) return env.PRISM_COMMENT_AUTHOR;
  try {
    return (await gh.rest.users.getAuthenticated()).data.login;
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 401 || status === 403 || status === 404) return 'github-actions[bot]';
    throw externalError(`cannot ask GitHub who the token belongs to: ${(err as Error).message}`, err);
  }
}

/**
 * Creates Prism's one comment on a pull request, or updates it in place. The comment is found by a
 * hidden marker, paging through every comment, among the comments `author` wrote: a comment by anyone
 * else is never edited, whatever it says (anyone can paste the marker into a comment of their own).
 */
export async function upsertComment(gh: GitHub, pr: PullRequestRef, body: string, marker: string, author: string, log: (line: string) => void = () => undefined): Promise<{ action: 'created' | 'updated'; id: number }> {
  try {
    const existing = (await findComment(gh, pr, marker, author, log))?.id;
    if (existing !== undefined) {
      await gh.rest.issues.updateComment({ owner: pr.owner, repo: pr.repo, comment_id: existing, body });
      return { action: 'updated', id: existing };
    }
    const created = await gh.rest.issues.createComment({ owner: pr.owner, repo: pr.repo, issue_number: pr.number, body });
    return { action: 'created', id: created.data.id };
  } catch (err) {
    const e = err as Error & { status?: number };
    throw externalError(`GitHub refused the preview comment on ${pr.owner}/${pr.repo}#${pr.number}${e.status ? ` (HTTP ${e.status})` : ''}: ${e.message}`, err);
  }
}

/**
 * Prism's own comment on a pull request or issue: the first carrying `marker` that `author` wrote,
 * paging through every comment. A comment by anyone else is ignored (and logged), whatever it says.
 */
export async function findComment(gh: GitHub, pr: PullRequestRef, marker: string, author: string, log: (line: string) => void = () => undefined): Promise<{ id: number; body: string } | undefined> {
  for await (const page of gh.paginate.iterator(gh.rest.issues.listComments, { owner: pr.owner, repo: pr.repo, issue_number: pr.number, per_page: 100 })) {
    for (const c of page.data) {
      if (!(c.body ?? '').includes(marker)) continue;
      if ((c.user?.login ?? '').toLowerCase() === author.toLowerCase()) return { id: c.id, body: c.body ?? '' };
      log(`ignoring comment ${c.id} by ${c.user?.login ?? 'an unknown user'}: it carries Prism's marker, but Prism posts as ${author}`);
    }
  }
  return undefined;
}

/** Adds a new comment to a pull request or issue. */
export async function addComment(gh: GitHub, pr: PullRequestRef, body: string): Promise<number> {
  try {
    return (await gh.rest.issues.createComment({ owner: pr.owner, repo: pr.repo, issue_number: pr.number, body })).data.id;
  } catch (err) {
    const e = err as Error & { status?: number };
    throw externalError(`GitHub refused a comment on ${pr.owner}/${pr.repo}#${pr.number}${e.status ? ` (HTTP ${e.status})` : ''}: ${e.message}`, err);
  }
}

/** The pull request that was merged as `sha` (a push to main after a merge), or undefined (a direct push). */
export async function mergedPullRequest(gh: GitHub, repo: { owner: string; repo: string }, sha: string): Promise<number | undefined> {
  try {
    const { data } = await gh.rest.repos.listPullRequestsAssociatedWithCommit({ owner: repo.owner, repo: repo.repo, commit_sha: sha });
    return data.find((p) => p.merged_at)?.number;
  } catch (err) {
    throw externalError(`cannot ask GitHub which pull request was merged as ${sha.slice(0, 12)}: ${(err as Error).message}`, err);
  }
}

/** One issue, as the drift report keeps it. */
export interface IssueRef {
  readonly number: number;
  readonly body: string;
}

/** The open issue with `label` whose body carries `marker` and that `author` opened, if any. */
export async function findIssue(gh: GitHub, repo: { owner: string; repo: string }, label: string, marker: string, author: string): Promise<IssueRef | undefined> {
  try {
    for await (const page of gh.paginate.iterator(gh.rest.issues.listForRepo, { owner: repo.owner, repo: repo.repo, state: 'open', labels: label, per_page: 100 })) {
      for (const i of page.data) if ((i.body ?? '').includes(marker) && (i.user?.login ?? '').toLowerCase() === author.toLowerCase()) return { number: i.number, body: i.body ?? '' };
    }
    return undefined;
  } catch (err) {
    throw externalError(`cannot list the issues of ${repo.owner}/${repo.repo}: ${(err as Error).message}`, err);
  }
}

/** Opens an issue, updates its body, or closes it (with a comment saying why). */
export async function writeIssue(gh: GitHub, repo: { owner: string; repo: string }, change: { open: { title: string; body: string; label: string } } | { update: number; body: string } | { close: number; comment: string }): Promise<number> {
  try {
    if ('open' in change) return (await gh.rest.issues.create({ owner: repo.owner, repo: repo.repo, title: change.open.title, body: change.open.body, labels: [change.open.label] })).data.number;
    if ('update' in change) {
      await gh.rest.issues.update({ owner: repo.owner, repo: repo.repo, issue_number: change.update, body: change.body });
      return change.update;
    }
    await gh.rest.issues.createComment({ owner: repo.owner, repo: repo.repo, issue_number: change.close, body: change.comment });
    await gh.rest.issues.update({ owner: repo.owner, repo: repo.repo, issue_number: change.close, state: 'closed', state_reason: 'completed' });
    return change.close;
  } catch (err) {
    const e = err as Error & { status?: number };
    throw externalError(`GitHub refused the drift issue change${e.status ? ` (HTTP ${e.status})` : ''}: ${e.message}`, err);
  }
}

/** The labels and description of a pull request (delete confirmations live there). */
export async function readPullRequest(gh: GitHub, pr: PullRequestRef): Promise<{ labels: string[]; body: string }> {
  try {
    const { data } = await gh.rest.pulls.get({ owner: pr.owner, repo: pr.repo, pull_number: pr.number });
    return { labels: data.labels.map((l) => l.name ?? '').filter(Boolean), body: data.body ?? '' };
  } catch (err) {
    throw externalError(`cannot read pull request ${pr.owner}/${pr.repo}#${pr.number}: ${(err as Error).message}`, err);
  }
}

/**
 * Sets the result labels of a pull request: adds those in `wanted` it lacks, and removes those of
 * `managed` it has but no longer should. Labels outside `managed` (the delete confirmations
 * `prism:delete:<Policy>`, anyone's own) are never touched. GitHub creates a missing label.
 */
export async function setResultLabels(gh: GitHub, pr: PullRequestRef, current: readonly string[], wanted: readonly string[], managed: readonly string[]): Promise<{ added: string[]; removed: string[] }> {
  const has = new Set(current);
  const added = wanted.filter((l) => !has.has(l));
  const removed = current.filter((l) => managed.includes(l) && !wanted.includes(l));
  try {
    if (added.length) await gh.rest.issues.addLabels({ owner: pr.owner, repo: pr.repo, issue_number: pr.number, labels: added });
    for (const name of removed) await gh.rest.issues.removeLabel({ owner: pr.owner, repo: pr.repo, issue_number: pr.number, name });
  } catch (err) {
    const e = err as Error & { status?: number };
    throw externalError(`GitHub refused the labels of ${pr.owner}/${pr.repo}#${pr.number}${e.status ? ` (HTTP ${e.status})` : ''}: ${e.message}`, err);
  }
  return { added, removed };
}
