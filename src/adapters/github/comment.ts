import { externalError } from '../../core/errors';
import { GitHub } from './client';

/** Where a pull request lives. */
export interface PullRequestRef {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
}

/**
 * Creates Prism's one comment on a pull request, or updates it in place: the comment is found by a
 * hidden marker, paging through every comment.
 */
export async function upsertComment(gh: GitHub, pr: PullRequestRef, body: string, marker: string): Promise<{ action: 'created' | 'updated'; id: number }> {
  try {
    let existing: number | undefined;
    for await (const page of gh.paginate.iterator(gh.rest.issues.listComments, { owner: pr.owner, repo: pr.repo, issue_number: pr.number, per_page: 100 })) {
      const found = page.data.find((c) => (c.body ?? '').includes(marker));
      if (found) {
        existing = found.id;
        break;
      }
    }
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

/** The labels and description of a pull request (delete confirmations live there). */
export async function readPullRequest(gh: GitHub, pr: PullRequestRef): Promise<{ labels: string[]; body: string }> {
  try {
    const { data } = await gh.rest.pulls.get({ owner: pr.owner, repo: pr.repo, pull_number: pr.number });
    return { labels: data.labels.map((l) => l.name ?? '').filter(Boolean), body: data.body ?? '' };
  } catch (err) {
    throw externalError(`cannot read pull request ${pr.owner}/${pr.repo}#${pr.number}: ${(err as Error).message}`, err);
  }
}
