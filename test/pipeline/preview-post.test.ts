import * as fs from 'node:fs';
import * as path from 'node:path';
import { createGitHub } from '../../src/adapters/github/client';
import { commentAuthor, upsertComment } from '../../src/adapters/github/comment';
import { preview } from '../../src/pipeline/preview';
import { CollectingReporter } from '../../src/pipeline/reporter';
import { PREVIEW_MARKER } from '../../src/preview/render';
import { FakeGitHub } from '../helpers/fake-github';
import { change, gitRepo } from '../helpers/git';
import { org } from '../helpers/synth';

const pr = { owner: 'acme', repo: 'iam', number: 7 };
const BOT = 'github-actions[bot]';

describe('preview: posting the one comment (local GitHub API)', () => {
  let gh: FakeGitHub;
  let baseUrl: string;
  beforeEach(async () => {
    gh = new FakeGitHub();
    baseUrl = await gh.start();
  });
  afterEach(() => gh.stop());
  const client = () => createGitHub({ token: 'test-token', baseUrl, retryAfterBaseValue: 1 });

  test('creates the comment when there is none, then updates it in place', async () => {
    gh.comments = [{ id: 1, body: 'LGTM' }];
    const first = await upsertComment(client(), pr, `${PREVIEW_MARKER}\nfirst`, PREVIEW_MARKER, BOT);
    expect(first.action).toBe('created');
    const second = await upsertComment(client(), pr, `${PREVIEW_MARKER}\nsecond`, PREVIEW_MARKER, BOT);
    expect(second).toEqual({ action: 'updated', id: first.id });
    expect(gh.comments.map((c) => c.body)).toEqual(['LGTM', `${PREVIEW_MARKER}\nsecond`]);
    expect(gh.received.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      'GET /repos/acme/iam/issues/7/comments',
      'POST /repos/acme/iam/issues/7/comments',
      'GET /repos/acme/iam/issues/7/comments',
      `PATCH /repos/acme/iam/issues/comments/${first.id}`,
    ]);
    expect(gh.received.every((r) => r.authorized)).toBe(true);
  });

  test('pages through the comments to find its own', async () => {
    gh.perPage = 2;
    gh.comments = [1, 2, 3, 4, 5].map((id) => ({ id, body: id === 5 ? `${PREVIEW_MARKER}\nold` : `comment ${id}`, user: { login: id === 5 ? BOT : 'someone' } }));
    const r = await upsertComment(client(), pr, `${PREVIEW_MARKER}\nnew`, PREVIEW_MARKER, BOT);
    expect(r).toEqual({ action: 'updated', id: 5 });
    expect(gh.received.filter((x) => x.method === 'GET').map((x) => new URL('http://x' + x.path).searchParams.get('page'))).toEqual([null, '2', '3']);
  });

  test("never edits a comment someone else wrote, even one carrying Prism's marker (takeover)", async () => {
    // an attacker comments first, pasting the marker, hoping Prism writes the preview into a comment they can edit
    gh.comments = [{ id: 1, body: `${PREVIEW_MARKER}\nI will edit this after Prism writes here`, user: { login: 'attacker' } }];
    const logs: string[] = [];
    const first = await upsertComment(client(), pr, `${PREVIEW_MARKER}\nthe real preview`, PREVIEW_MARKER, BOT, (l) => logs.push(l));
    expect(first.action).toBe('created');
    expect(first.id).not.toBe(1);
    expect(gh.comments.find((c) => c.id === 1)!.body).toContain('I will edit this');
    expect(gh.received.filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(logs).toEqual([expect.stringContaining('ignoring comment 1 by attacker')]);
    // the next run finds its own comment and updates it, still leaving the attacker's alone
    const second = await upsertComment(client(), pr, `${PREVIEW_MARKER}\nupdated`, PREVIEW_MARKER, BOT);
    expect(second).toEqual({ action: 'updated', id: first.id });
    expect(gh.comments.find((c) => c.id === 1)!.body).toContain('I will edit this');
  });

  test("Prism posts as the token's user when GitHub says who that is, else as github-actions[bot]", async () => {
    expect(await commentAuthor(client(), {})).toBe('github-actions[bot]');
    gh.login = 'prism-app[bot]';
    expect(await commentAuthor(client(), {})).toBe('prism-app[bot]');
    expect(await commentAuthor(client(), { PRISM_COMMENT_AUTHOR: 'acme-bot' })).toBe('acme-bot');
  });

  test('a 422 is reported as GitHub refusing, not retried', async () => {
    gh.failures = [{ method: 'POST', status: 422, message: 'Validation Failed' }];
    await expect(upsertComment(client(), pr, `${PREVIEW_MARKER}\nx`, PREVIEW_MARKER, BOT)).rejects.toThrow(/GitHub refused the preview comment on acme\/iam#7 \(HTTP 422\)/);
    expect(gh.received.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  test('a 502 is retried until it succeeds', async () => {
    gh.failures = [{ method: 'GET', status: 502 }];
    const r = await upsertComment(client(), pr, `${PREVIEW_MARKER}\nx`, PREVIEW_MARKER, BOT);
    expect(r.action).toBe('created');
    expect(gh.received.map((x) => x.method)).toEqual(['GET', 'GET', 'POST']);
  });

  test('the preview use case reads delete confirmations from the pull request and posts', async () => {
    const dir = gitRepo(org());
    change(dir, { 'policies/Billing.json': null, 'permission-sets/Finance.yaml': 'description: none\n' });
    gh.pr = { labels: [{ name: 'prism:delete:Billing' }], body: '' };
    const env = { GITHUB_TOKEN: 'test-token', GITHUB_API_URL: baseUrl, GITHUB_REPOSITORY: 'acme/iam', GITHUB_EVENT_PATH: '', GITHUB_STEP_SUMMARY: '' };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const outcome = await preview({ dir, base: 'main', post: { pr: 7 }, reporter: new CollectingReporter() });
      expect(outcome.failures).toEqual([]);
      expect(outcome.posted).toMatchObject({ action: 'created', where: 'acme/iam#7', trimmed: false });
    } finally {
      process.env = saved;
    }
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0].body).toContain('This will detach the policy from 1 role(s) in 1 account(s) and delete the IAM policy from each.');
    expect(gh.comments[0].body).toContain('Deletion of `Billing` confirmed');
    // the token never appears in what was posted
    expect(gh.comments[0].body).not.toContain('test-token');
  });

  /** Runs the preview use case as the workflow does: a pull_request event file, the token, the job summary. */
  async function previewInActions(dir: string, event: object, options: { labels?: boolean } = {}) {
    const eventFile = path.join(dir, '.git', 'event.json');
    fs.writeFileSync(eventFile, JSON.stringify(event));
    const summary = path.join(dir, '.git', 'summary.md');
    const env = { GITHUB_TOKEN: 'test-token', GITHUB_API_URL: baseUrl, GITHUB_REPOSITORY: 'acme/iam', GITHUB_EVENT_PATH: eventFile, GITHUB_STEP_SUMMARY: summary, GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '99' };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const outcome = await preview({ dir, base: 'main', post: { labels: options.labels }, reporter: new CollectingReporter(), now: new Date('2026-11-24T04:30:00Z') });
      return { outcome, summary: fs.readFileSync(summary, 'utf8') };
    } finally {
      process.env = saved;
    }
  }
  const prEvent = (over: object = {}) => ({ pull_request: { number: 7, body: '', labels: [], head: { sha: 'd'.repeat(40), repo: { full_name: 'acme/iam' } }, base: { sha: 'e'.repeat(40), repo: { full_name: 'acme/iam' } }, ...over } });

  test('--labels sets the result labels, removes stale ones, and never touches the delete confirmations or anyone else\'s', async () => {
    const dir = gitRepo(org());
    change(dir, { 'policies/Billing.json': null, 'permission-sets/Finance.yaml': 'description: none\n' });
    gh.pr = { labels: [{ name: 'prism:plan-failed' }, { name: 'team:security' }, { name: 'prism:delete:Other' }], body: '' };
    const { outcome, summary } = await previewInActions(dir, prEvent({ labels: gh.pr.labels }), { labels: true });
    expect(outcome.posted?.labels).toEqual({ added: ['prism:breaking', 'prism:delete-pending'], removed: ['prism:plan-failed'] });
    expect(gh.pr.labels.map((l) => l.name).sort()).toEqual(['prism:breaking', 'prism:delete-pending', 'prism:delete:Other', 'team:security']);
    // the header: the pull request's head commit, the time, the run
    expect(gh.comments[0].body).toContain(`Head [\`ddddddd\`](https://github.com/acme/iam/commit/${'d'.repeat(40)}) · base [`);
    expect(gh.comments[0].body).toContain('updated 2026-11-24 04:30:00 UTC · [workflow run](https://github.com/acme/iam/actions/runs/99)');
    expect(summary).toContain('## Prism propagation preview');
  });

  test("a fork's pull request is not posted to (its token cannot write); the job summary has the preview", async () => {
    const dir = gitRepo(org());
    change(dir, { 'policies/Billing.json': null, 'permission-sets/Finance.yaml': 'description: none\n' });
    const { outcome, summary } = await previewInActions(dir, prEvent({ head: { sha: 'd'.repeat(40), repo: { full_name: 'mallory/iam' } } }), { labels: true });
    expect(outcome.posted).toBeUndefined();
    expect(outcome.notPosted).toContain('comes from the fork mallory/iam');
    expect(gh.received).toEqual([]);
    expect(summary).toContain('This will detach the policy');
  });
});
