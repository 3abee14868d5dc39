import { interruptedRows, planRollouts, settleRows } from '../../src/apply/rollout-events';
import { resolveSettings } from '../../src/core/settings';
import { DeploymentModel } from '../../src/model/desired-state';
import { RolloutRow } from '../../src/model/rollout';
import { AccountChange, LibraryChanges } from '../../src/change/change-set';
import { applyReport, parseUiStream } from '../../src/adapters/terraform/ui-stream';
import { tfFixture } from '../helpers/fixtures';

const noLibrary: LibraryChanges = { addedPolicies: new Set(), removedPolicies: new Set(), editedPolicies: new Set(), changedPermissionSets: new Set(), settingsChanged: false };

describe('rollout events: planning and settling rows', () => {
  const ch = (kind: AccountChange['kind'], policy: string, account: string, ...permissionSets: string[]): AccountChange => ({ kind, policy, account, permissionSets });
  const head: DeploymentModel = {
    settings: resolveSettings(undefined),
    accounts: new Map([
      [
        '111111111111',
        {
          account: '111111111111',
          roles: [{ permissionSet: 'Dev', roleName: 'Prism-Dev', trustPolicy: '{}', maxSessionDuration: 3600, awsManagedPolicyArns: [], customerManagedPolicies: ['A', 'B'], tags: {} }],
          policies: [
            { name: 'A', policyId: 'x', document: '{}', attachedTo: ['Dev'] },
            { name: 'B', policyId: 'y', document: '{}', attachedTo: ['Dev'], importFrom: 'arn', discovered: 'unmanaged', adoptedAt: '2026-01-01T00:00:00Z' },
          ],
        },
      ],
    ]),
  };

  test('one rollout per pair, the most consequential event; adoption keeps its time', () => {
    const drafts = planRollouts([ch('edit', 'A', '111111111111', 'Dev'), ch('attach', 'A', '111111111111', 'Ops'), ch('adopt', 'B', '111111111111', 'Dev')], noLibrary, head);
    expect(drafts).toEqual([
      { policy: 'A', account: '111111111111', event: 'EDIT', permissionSets: ['Dev'] },
      { policy: 'B', account: '111111111111', event: 'ADOPT', permissionSets: ['Dev'], adoptedAt: '2026-01-01T00:00:00Z' },
    ]);
  });

  test("a permission set's AWS managed or inline change re-asserts every CMP on it as ATTACH", () => {
    const drafts = planRollouts([], { ...noLibrary, changedPermissionSets: new Set(['Dev']) }, head);
    expect(drafts.map((d) => `${d.event} ${d.policy}`)).toEqual(['ATTACH A', 'ATTACH B']);
  });

  const row = (policy: string): RolloutRow => ({ id: policy, policy, account: '111111111111', event: 'DELETE', status: 'PENDING', startedAt: '2026-11-23T10:00:00Z', commit: 'c' });

  test('a clean apply makes every row SUCCESS', () => {
    const rows = settleRows([row('A'), row('B')], { exitCode: 0, report: applyReport(parseUiStream(tfFixture('ui-json/tf-cloud-apply-json-with-outputs.apply.jsonl'))) }, 'end');
    expect(rows.map((r) => r.status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(rows[0].endedAt).toBe('end');
  });

  test("a refused delete fails that policy's row only, with AWS's message; an edit applied beside it succeeds (real terraform 1.11 stream)", () => {
    const messages = parseUiStream(tfFixture('prism/apply-delete-conflict-beside-edit.jsonl'));
    // the real diagnostic names no address: the apply_errored hook says which resource failed
    expect(messages.filter((m) => m.type === 'diagnostic').map((m) => m.diagnostic!.address)).toEqual([undefined]);
    const rows = settleRows([row('A'), { ...row('B'), event: 'EDIT' }, { ...row('C'), event: 'ATTACH' }], { exitCode: 1, report: applyReport(messages) }, 'end');
    expect(rows[0]).toMatchObject({ status: 'FAILED', error: expect.stringContaining('DeleteConflict: Cannot delete a policy attached to entities.') });
    expect(rows[0].error).toContain('policy/Prism-A)');
    expect(rows[1]).toMatchObject({ status: 'SUCCESS', endedAt: 'end' });
    // C had nothing to change: its rollout is confirmed
    expect(rows[2]).toMatchObject({ status: 'SUCCESS' });
  });

  test("a policy whose planned change did not complete fails with the account's error", () => {
    const messages = parseUiStream(tfFixture('prism/apply-delete-conflict-beside-edit.jsonl')).filter((m) => !(m.type === 'apply_complete' && m.hook?.resource?.addr === 'aws_iam_policy.cmp_B'));
    const [b] = settleRows([{ ...row('B'), event: 'EDIT' }], { exitCode: 1, report: applyReport(messages) }, 'end');
    // the only error names Prism-A, so B's row gets the generic failure, not A's message
    expect(b).toMatchObject({ status: 'FAILED', error: 'terraform apply failed (exit code 1)' });
  });

  test('a plan that failed (the real failed-plan sample) fails every row with its error', () => {
    const rows = settleRows([row('A'), row('B')], { exitCode: 1, report: applyReport(parseUiStream(tfFixture('ui-json/tf-cloud-apply-json-with-error.plan.jsonl'))) }, 'end');
    expect(rows.map((r) => r.status)).toEqual(['FAILED', 'FAILED']);
    expect(rows[0].error).toContain('Unsupported block type');
  });

  test('an error without an address (the real provisioner-error sample) fails every row with it', () => {
    const rows = settleRows([row('A')], { exitCode: 1, report: applyReport(parseUiStream(tfFixture('ui-json/tf-cloud-apply-json-with-provisioner-error.apply.jsonl'))) }, 'end');
    expect(rows[0].error).toContain('local-exec provisioner error');
  });

  test('a killed apply and a failed init', () => {
    expect(settleRows([row('A')], { exitCode: null }, 'end')[0].error).toBe('interrupted: terraform was killed');
    expect(settleRows([row('A')], { exitCode: 1, setupError: 'terraform init failed' }, 'end')[0]).toMatchObject({ status: 'FAILED', error: 'terraform init failed' });
  });

  test('PENDING rows older than the threshold are interrupted; recent ones are left alone', () => {
    const old = { ...row('A'), startedAt: '2026-11-23T08:00:00Z' };
    const recent = { ...row('B'), startedAt: '2026-11-23T09:59:00Z' };
    const out = interruptedRows([old, recent, { ...row('C'), status: 'SUCCESS' as const }], new Date('2026-11-23T10:00:00Z'), 60 * 60_000);
    expect(out).toEqual([{ ...old, status: 'FAILED', error: expect.stringMatching(/^interrupted/), endedAt: '2026-11-23T10:00:00.000Z' }]);
  });
});
