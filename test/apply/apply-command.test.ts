import * as fs from 'node:fs';
import * as path from 'node:path';
import { runPrism } from '../helpers/cli';
import { FAKE_TERRAFORM } from '../helpers/fixtures';
import { change, cloneOf, commit, git, remoteAndClone } from '../helpers/git';
import { org } from '../helpers/synth';

/** Merges a change on main (as a merged pull request would) and returns the base commit. */
function mergeChange(clone: string, files: Record<string, string | object | null>): string {
  const base = git(clone, 'rev-parse', 'HEAD');
  change(clone, files);
  commit(clone, 'merge: change');
  git(clone, 'push', '-q', 'origin', 'main');
  return base;
}

/** The ledger rows on the remote, latest version per id. */
function remoteRows(remote: string, policy: string): any[] {
  const c = cloneOf(remote);
  const file = path.join(c, 'rollouts', `${policy}.jsonl`);
  if (!fs.existsSync(file)) return [];
  const all = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const latest = new Map<string, any>();
  for (const r of all) latest.set(r.id, r);
  return [...latest.values()];
}

const deleteBillingAndEditLogs = {
  'policies/Billing.json': null,
  'permission-sets/Finance.yaml': 'description: nothing yet\n',
  'policies/LogsRead.json': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:FilterLogEvents', Resource: '*' }] },
};

describe('prism apply, rollouts and retry (git remote, stand-in terraform)', () => {
  test('records PENDING then SUCCESS/FAILED per policy and account; a DeleteConflict fails only its rollout', () => {
    const { remote, clone } = remoteAndClone(org());
    const base = mergeChange(clone, deleteBillingAndEditLogs);
    const log = path.join(clone, '..', `${path.basename(clone)}-tf.log`);
    const r = runPrism(['apply', '--dir', clone, '--base', base, '--terraform', FAKE_TERRAFORM, '--failure-tolerance', '5', '--pr', '42'], {
      env: { FAKE_TF_LOG: log, FAKE_TF_SCENARIOS: JSON.stringify({ '333333333333': 'delete-conflict' }), FAKE_TF_ERROR_ADDRESS: 'aws_iam_policy.cmp_Billing', GITHUB_STEP_SUMMARY: '' },
    });
    expect(r.code).toBe(1);
    const billing = remoteRows(remote, 'Billing');
    expect(billing).toEqual([
      expect.objectContaining({ account: '333333333333', event: 'DELETE', status: 'FAILED', error: expect.stringContaining('DeleteConflict: Cannot delete a policy attached to entities'), pullRequest: 42 }),
    ]);
    const logs = remoteRows(remote, 'LogsRead');
    expect(logs.map((x) => `${x.account} ${x.event} ${x.status}`).sort()).toEqual([
      '111111111111 EDIT SUCCESS',
      '222222222222 EDIT SUCCESS',
      // the same account's apply failed, so its other rollout is not known to have finished
      '333333333333 EDIT FAILED',
    ]);
    for (const row of [...billing, ...logs]) {
      expect(row.commit).toBe(git(clone, 'rev-parse', 'HEAD'));
      expect(Date.parse(row.startedAt)).not.toBeNaN();
      expect(Date.parse(row.endedAt)).not.toBeNaN();
    }
    // PENDING rows were pushed before any account started
    const raw = fs.readFileSync(path.join(cloneOf(remote), 'rollouts', 'Billing.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(raw.map((x) => x.status)).toEqual(['PENDING', 'FAILED']);

    // prism rollouts shows the chips and the table
    git(clone, 'pull', '-q', '--rebase', 'origin', 'main');
    const ro = runPrism(['rollouts', 'Billing', '--dir', clone]);
    expect(ro.stdout).toContain('Billing: 0 success · 0 pending · 1 failed');
    expect(ro.stdout).toMatch(/333333333333\s+DELETE\s+FAILED\s+deleting IAM Policy/);

    // someone detaches the policy outside Prism; retry re-runs only the failed account
    fs.writeFileSync(log, '');
    const rt = runPrism(['retry', 'Billing', '--dir', clone, '--terraform', FAKE_TERRAFORM], { env: { FAKE_TF_LOG: log, GITHUB_STEP_SUMMARY: '' } });
    expect(rt.code).toBe(0);
    const applied = new Set(fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l).account));
    expect([...applied]).toEqual(['333333333333']);
    const after = remoteRows(remote, 'Billing');
    expect(after.map((x) => `${x.event} ${x.status}`)).toEqual(['DELETE FAILED', 'DELETE SUCCESS']);
    expect(after[1].retryOf).toBe(after[0].id);
    git(clone, 'pull', '-q', '--rebase', 'origin', 'main');
    expect(runPrism(['rollouts', 'Billing', '--dir', clone]).stdout).toContain('1 success · 0 pending · 0 failed');
    expect(runPrism(['rollouts', 'Billing', '--dir', clone, '--all']).stdout).toMatch(/DELETE\s+SUCCESS[\s\S]*DELETE\s+FAILED/);
  });

  test('an account whose init fails, and one killed mid-run, fail alone', () => {
    const { remote, clone } = remoteAndClone(org());
    const base = mergeChange(clone, { 'policies/LogsRead.json': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:Get*', Resource: '*' }] } });
    const r = runPrism(['apply', '--dir', clone, '--base', base, '--terraform', FAKE_TERRAFORM, '--failure-tolerance', '5'], {
      env: { FAKE_TF_SCENARIOS: JSON.stringify({ '111111111111': 'init-fail', '222222222222': 'killed' }), GITHUB_STEP_SUMMARY: '' },
    });
    expect(r.code).toBe(1);
    const rows = Object.fromEntries(remoteRows(remote, 'LogsRead').map((x) => [x.account, x]));
    expect(rows['111111111111']).toMatchObject({ status: 'FAILED', error: expect.stringContaining('terraform init failed') });
    expect(rows['222222222222']).toMatchObject({ status: 'FAILED', error: 'interrupted: terraform was killed' });
    expect(rows['333333333333']).toMatchObject({ status: 'SUCCESS' });
  });

  test('rows a killed run left PENDING are marked FAILED "interrupted" by the next run', () => {
    const { remote, clone } = remoteAndClone(org());
    // a run that died after writing PENDING rows, three hours ago
    const stale = { id: 'dead-1', runId: 'dead', policy: 'S3Read', account: '111111111111', event: 'EDIT', status: 'PENDING', startedAt: new Date(Date.now() - 3 * 3600_000).toISOString(), commit: 'c' };
    change(clone, { 'rollouts/S3Read.jsonl': JSON.stringify(stale) + '\n' });
    commit(clone, 'ledger');
    git(clone, 'push', '-q', 'origin', 'main');
    const base = mergeChange(clone, { 'policies/LogsRead.json': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:Get*', Resource: '*' }] } });
    expect(runPrism(['apply', '--dir', clone, '--base', base, '--terraform', FAKE_TERRAFORM], { env: { GITHUB_STEP_SUMMARY: '' } }).code).toBe(0);
    expect(remoteRows(remote, 'S3Read')).toEqual([expect.objectContaining({ id: 'dead-1', status: 'FAILED', error: expect.stringMatching(/^interrupted/) })]);
  });

  test('after more failed accounts than the tolerance, no new account starts', () => {
    const { remote, clone } = remoteAndClone(org());
    const base = mergeChange(clone, { 'policies/LogsRead.json': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:Get*', Resource: '*' }] } });
    const log = path.join(clone, '..', `${path.basename(clone)}-tf.log`);
    const r = runPrism(['apply', '--dir', clone, '--base', base, '--terraform', FAKE_TERRAFORM, '--concurrency', '1'], {
      env: { FAKE_TF_LOG: log, FAKE_TF_SCENARIOS: JSON.stringify({ '111111111111': 'apply-error' }), GITHUB_STEP_SUMMARY: '' },
    });
    expect(r.code).toBe(1);
    expect(new Set(fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l).account))).toEqual(new Set(['111111111111']));
    const rows = remoteRows(remote, 'LogsRead');
    expect(rows.filter((x) => x.error?.startsWith('not started')).map((x) => x.account).sort()).toEqual(['222222222222', '333333333333']);
  });
});
