/**
 * Apply what was reviewed, the apply workflow's report, the drift issue and prism doctor, against a
 * local GitHub API: what each reads from GitHub, what it writes there, and what it never touches.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writePlanFile } from '../../src/artifacts/plan-file';
import { doctor } from '../../src/pipeline/doctor';
import { drift } from '../../src/pipeline/drift';
import { preview } from '../../src/pipeline/preview';
import { CollectingReporter } from '../../src/pipeline/reporter';
import { checkReview, reportThisRun, ROLLOUT_REPORT_MARKER } from '../../src/pipeline/rollouts';
import { PREVIEW_MARKER } from '../../src/preview/render';
import { exampleRepoCopy } from '../dashboard/helpers';
import { FakeGitHub } from '../helpers/fake-github';
import { change, commit, gitRepo } from '../helpers/git';
import { org } from '../helpers/synth';
import { minimalRepo, writeRepo } from '../helpers/repo';

const BOT = 'github-actions[bot]';

/** Runs `fn` with these environment variables, restoring the environment afterwards. */
async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    process.env = saved;
  }
}

describe('GitHub-facing use cases (local GitHub API)', () => {
  let gh: FakeGitHub;
  let env: Record<string, string>;
  beforeEach(async () => {
    gh = new FakeGitHub();
    const baseUrl = await gh.start();
    env = { GITHUB_TOKEN: 'test-token', GITHUB_API_URL: baseUrl, GITHUB_REPOSITORY: 'acme/iam', GITHUB_EVENT_PATH: '', GITHUB_STEP_SUMMARY: '', GITHUB_OUTPUT: '' };
  });
  afterEach(() => gh.stop());

  describe('apply checks that it applies what the preview showed', () => {
    /** A merged pull request: the preview of the branch, posted by Prism, then the merge on main. */
    async function reviewedMerge(): Promise<string> {
      const dir = gitRepo(org());
      change(dir, { 'policies/Billing.json': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'aws-portal:ViewBilling', Resource: '*' }] } });
      const { markdown } = await withEnv(env, () => preview({ dir, base: 'main', reporter: new CollectingReporter() }));
      gh.comments = [{ id: 1, body: markdown, user: { login: BOT } }];
      commit(dir, 'merge the pull request');
      return dir;
    }

    test('the same files as the preview: "reviewed"', async () => {
      const dir = await reviewedMerge();
      const r = await withEnv(env, () => checkReview({ dir, pullRequest: 7, reporter: new CollectingReporter() }));
      expect(r.verdict).toBe('reviewed');
      expect(r.line).toMatch(/^apply: applying what was reviewed: the repository's files match the preview of pull request #7 \(fingerprint [0-9a-f]{12}\)$/);
      // what it read: the comments of pull request 7, nothing written
      expect(gh.received.every((x) => x.method === 'GET')).toBe(true);
    });

    test('the base moved since the preview (another merge changed a file): "differs", and said', async () => {
      const dir = await reviewedMerge();
      change(dir, { 'assignments/extra.yaml': 'permissionSet: Finance\naccounts:\n  - "999999999999"\n' });
      commit(dir, 'another pull request merged first');
      const r = await withEnv(env, () => checkReview({ dir, pullRequest: 7, reporter: new CollectingReporter() }));
      expect(r.verdict).toBe('differs');
      expect(r.line).toContain('the repository differs from what was reviewed');
      expect(r.line).toContain('the base moved since the preview');
    });

    test("a comment carrying Prism's marker by anyone else is ignored: nothing was reviewed", async () => {
      const dir = await reviewedMerge();
      gh.comments = [{ id: 2, body: gh.comments[0].body, user: { login: 'mallory' } }];
      const reporter = new CollectingReporter();
      const r = await withEnv(env, () => checkReview({ dir, pullRequest: 7, reporter }));
      expect(r.verdict).toBe('unreviewed');
      expect(reporter.lines.join('\n')).toContain('ignoring comment 2 by mallory');
    });

    test('--reviewed by hand (a prefix of 12 or more), and no pull request at all', async () => {
      const dir = await reviewedMerge();
      const fingerprint = /fingerprint=([0-9a-f]{64})/.exec(gh.comments[0].body)![1];
      expect((await checkReview({ dir, reviewed: fingerprint.slice(0, 12), reporter: new CollectingReporter() })).verdict).toBe('reviewed');
      expect((await checkReview({ dir, reviewed: 'a'.repeat(12), reporter: new CollectingReporter() })).verdict).toBe('differs');
      expect((await checkReview({ dir, reporter: new CollectingReporter() })).verdict).toBe('unreviewed');
    });
  });

  describe("the apply workflow's report", () => {
    const run = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/prism-iam', GITHUB_RUN_ID: '18704938268', GITHUB_SHA: 'c'.repeat(40) };

    test("this run's rollouts, with the retry command, commented on the pull request merged as the commit", async () => {
      const dir = exampleRepoCopy();
      gh.mergedAs = { ['c'.repeat(40)]: [{ number: 17, merged_at: '2026-10-02T10:00:00Z' }] };
      const summary = path.join(dir, 'summary.md');
      const r = await withEnv({ ...env, ...run, GITHUB_STEP_SUMMARY: summary }, () => reportThisRun({ dir, post: true, reporter: new CollectingReporter() }));
      expect(r.rows.map((x) => `${x.policy} ${x.account} ${x.status}`).sort()).toEqual(['DenyOutsideEU 234567890123 FAILED', 'DenyOutsideEU 456789012345 SUCCESS']);
      expect(r.failedPolicies).toEqual(['DenyOutsideEU']);
      expect(r.posted).toEqual({ pullRequest: 17, id: expect.any(Number) });
      const body = gh.comments[0].body;
      expect(body.startsWith(ROLLOUT_REPORT_MARKER)).toBe(true);
      expect(body).toContain('❌ **1 of 2 account(s) failed.**');
      expect(body).toContain('`prism retry DenyOutsideEU`');
      expect(body).toContain('[Workflow run](https://github.com/acme/prism-iam/actions/runs/18704938268)');
      expect(body).toContain('| ❌ | 234567890123 | EDIT | FAILED |');
      expect(fs.readFileSync(summary, 'utf8')).toContain('## Prism rollout');
    });

    test('a direct push (no merged pull request) is reported in the job summary only', async () => {
      const dir = exampleRepoCopy();
      const r = await withEnv({ ...env, ...run }, () => reportThisRun({ dir, post: true, reporter: new CollectingReporter() }));
      expect(r.notPosted).toContain('no pull request was merged as this commit');
      expect(gh.comments).toEqual([]);
    });
  });

  describe('the drift issue', () => {
    const A = '111111111111';
    function driftRepo(options: { drifted: boolean; failedPlan?: boolean }): string {
      const dir = writeRepo(minimalRepo());
      writePlanFile(path.join(dir, '.prism', 'plan.json'), 'a'.repeat(40), [
        options.failedPlan
          ? { account: A, status: 'failed', changes: [], drift: [], diagnostics: [{ severity: 'error', summary: 'AccessDenied' }] }
          : { account: A, status: 'planned', changes: [], drift: options.drifted ? [{ address: 'aws_iam_policy.cmp_S3Read', actions: ['update'], attributes: ['policy'] }] : [], diagnostics: [] },
      ]);
      fs.writeFileSync(path.join(dir, '.prism', 'discovery.json'), JSON.stringify({ version: 1, generatedAt: '2026-11-24T00:00:00Z', accounts: { [A]: { status: 'ok', policies: { S3Read: { state: 'managed' } } } } }));
      return dir;
    }
    const post = (dir: string) => withEnv(env, () => drift({ dir, post: true, today: '2026-11-24' }));

    test('opened only for drift, updated while it lasts, closed by a complete check that finds none', async () => {
      expect((await post(driftRepo({ drifted: false }))).issue).toEqual({ action: 'unchanged', why: 'no drift, and no open drift issue' });
      expect(gh.issues).toEqual([]);
      const opened = (await post(driftRepo({ drifted: true }))).issue!;
      expect(opened.action).toBe('opened');
      expect(gh.issues).toHaveLength(1);
      expect(gh.issues[0]).toMatchObject({ state: 'open', labels: [{ name: 'prism-drift' }], title: 'Prism: policies or roles edited outside Prism' });
      expect(gh.issues[0].body).toContain('Prism-S3Read');
      expect((await post(driftRepo({ drifted: true }))).issue).toEqual({ action: 'updated', number: opened.number });
      // a failed plan says nothing about drift: the issue stays open
      expect((await post(driftRepo({ drifted: false, failedPlan: true }))).issue).toMatchObject({ action: 'unchanged', number: opened.number });
      expect(gh.issues[0].state).toBe('open');
      const closed = await post(driftRepo({ drifted: false }));
      expect(closed.issue).toEqual({ action: 'closed', number: opened.number });
      expect(gh.issues[0].state).toBe('closed');
      expect(gh.comments.map((c) => c.body)).toEqual([expect.stringContaining('Drift cleared: the check of 2026-11-24 found every Prism policy and role as Prism applied it')]);
    });

    test('a failed plan alone never opens the issue, and the exit says the check was incomplete', async () => {
      const r = await post(driftRepo({ drifted: false, failedPlan: true }));
      expect(r.issue?.action).toBe('unchanged');
      expect(r.checkedAll).toBe(false);
      expect(gh.issues).toEqual([]);
    });
  });

  describe('prism doctor', () => {
    const outputs = (file: string) => fs.readFileSync(file, 'utf8');

    test('a missing hub role variable in a workflow job is an error that names it, as an annotation', () => {
      const dir = writeRepo(minimalRepo());
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'prism-out-')), 'output');
      fs.writeFileSync(path.join(dir, '.terraform-version'), '1.11.4\n');
      const r = doctor({ dir, role: 'plan', env: { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: out, PATH: process.env.PATH } });
      expect(r.aws).toBe(false);
      expect(r.checks.find((c) => c.name === 'aws')).toMatchObject({ status: 'error' });
      expect(r.annotations).toEqual([expect.stringMatching(/^::error title=Prism is not set up::Set the repository variable PRISM_PLAN_HUB_ROLE_ARN to the PrismPlanHub role ARN that prism bootstrap prints/)]);
      expect(outputs(out)).toBe('terraform-version=1.11.4\naws=false\n');
    });

    test("a fork's pull request gets no AWS credentials, and that is no error; a set variable is", () => {
      const dir = writeRepo(minimalRepo());
      const event = path.join(dir, 'event.json');
      fs.writeFileSync(event, JSON.stringify({ pull_request: { number: 3, head: { repo: { full_name: 'mallory/iam' } }, base: { repo: { full_name: 'acme/iam' } } } }));
      const fork = doctor({ dir, role: 'plan', env: { GITHUB_ACTIONS: 'true', GITHUB_EVENT_PATH: event, PATH: process.env.PATH } });
      expect(fork.aws).toBe(false);
      expect(fork.checks.some((c) => c.status === 'error')).toBe(false);
      const set = doctor({ dir, role: 'deploy', env: { GITHUB_ACTIONS: 'true', PRISM_DEPLOY_HUB_ROLE_ARN: 'arn:aws:iam::111122223333:role/PrismDeployHub', PATH: process.env.PATH } });
      expect(set.aws).toBe(true);
    });

    test('Terraform other than the pinned version is a warning that names both', () => {
      const dir = writeRepo(minimalRepo());
      fs.writeFileSync(path.join(dir, '.terraform-version'), '1.5.0\n');
      const r = doctor({ dir, env: { PATH: process.env.PATH } });
      const tf = r.checks.find((c) => c.name === 'terraform')!;
      // on a machine without terraform this is a warning too, with what to install
      expect(tf.status).toBe('warning');
      expect(tf.detail).toMatch(/1\.5\.0/);
      expect(r.checks.find((c) => c.name === 'repository')!.status).toBe('ok');
    });
  });
});
