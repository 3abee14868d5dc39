import { afterPolicyStacks, ledgerBlockedAccounts, needsProvisioning, planIdentityCenterRollouts, settleDeletes, settleProvisioning, withSteps } from '../../src/apply/provisioning';
import { buildModel } from '../../src/model/build-model';
import { diffIdentityCenter, heldBack } from '../../src/model/identity-center';
import { RolloutRow } from '../../src/model/rollout';
import { validateFiles } from '../helpers/repo';
import { idcOrg } from '../helpers/identity-center';

const row = (over: Partial<RolloutRow>): RolloutRow => ({ id: `id-${over.policy}-${over.account}`, policy: 'S3Read', account: '111111111111', event: 'CREATE', status: 'PENDING', startedAt: '2026-11-01T00:00:00.000Z', commit: 'c', permissionSets: ['Dev'], ...over });
const model = (extra = {}) => buildModel(validateFiles(idcOrg(extra)).documents);

describe('identity-center rollouts', () => {
  test('an edit needs no provisioning (IdC references the policy by name); a create, attach or detach does', () => {
    expect(needsProvisioning({ event: 'EDIT', permissionSets: ['Dev'] })).toBe(false);
    expect(needsProvisioning({ event: 'CREATE', permissionSets: ['Dev'] })).toBe(true);
    expect(needsProvisioning({ event: 'CREATE', permissionSets: [] })).toBe(false);
  });

  test('a permission-set change adds an ATTACH for every CMP in every reprovisioned account', () => {
    const base = model();
    const head = model({ 'permission-sets/Ops.yaml': 'awsManagedPolicies: [ReadOnlyAccess]\ncustomerManagedPolicies:\n  - LogsRead\n' });
    const drafts = planIdentityCenterRollouts([], diffIdentityCenter(base.identityCenter, head.identityCenter), head);
    expect(drafts.map((d) => `${d.account} ${d.policy} ${d.event} ${d.permissionSets.join(',')}`)).toEqual(['222222222222 LogsRead ATTACH Ops', '333333333333 LogsRead ATTACH Ops']);
  });

  test('after the policy stacks: a failed policy step fails the row; a successful one waits for provisioning', () => {
    const rows = afterPolicyStacks([
      row({ account: '111111111111', status: 'SUCCESS', endedAt: '2026-11-01T00:01:00.000Z' }),
      row({ account: '222222222222', status: 'FAILED', error: 'EntityAlreadyExists: A policy called Prism-S3Read already exists.', endedAt: '2026-11-01T00:01:00.000Z' }),
      row({ account: '333333333333', event: 'EDIT', status: 'SUCCESS', endedAt: '2026-11-01T00:01:00.000Z' }),
    ]);
    expect(rows.map((r) => `${r.account} ${r.status} ${r.steps!.map((s) => `${s.step}:${s.status}`).join(' ')}`)).toEqual([
      '111111111111 PENDING policy:SUCCESS provision:PENDING',
      '222222222222 FAILED policy:FAILED provision:PENDING',
      '333333333333 SUCCESS policy:SUCCESS',
    ]);
    expect(rows[1].error).toBe('policy: EntityAlreadyExists: A policy called Prism-S3Read already exists.');
  });

  test('an account whose policy stack failed is not provisioned, and its row says why', () => {
    const head = model().identityCenter!;
    const rows = afterPolicyStacks([row({ account: '111111111111', status: 'SUCCESS' }), row({ account: '222222222222', status: 'FAILED', error: 'EntityAlreadyExists' })]);
    const blocked = new Map([['222222222222', 'EntityAlreadyExists']]);
    const settled = settleProvisioning(rows, { blocked, held: heldBack(undefined, head, new Set(blocked.keys())), head, outcome: { exitCode: 0 }, endedAt: '2026-11-01T00:02:00.000Z' });
    expect(settled.map((r) => `${r.account} ${r.status}`)).toEqual(['111111111111 SUCCESS', '222222222222 FAILED']);
    expect(settled[1].steps![1].error).toBe('not provisioned: the policy stack of account 222222222222 failed: EntityAlreadyExists');
  });

  test('a held-back permission set fails the rows of other accounts with the reason; a provisioning error is the row\'s own', () => {
    const base = model().identityCenter!;
    const rows = afterPolicyStacks([row({ account: '222222222222', policy: 'LogsRead', event: 'ATTACH', permissionSets: ['Ops'], status: 'SUCCESS' }), row({ account: '111111111111', status: 'SUCCESS' })]);
    const held = heldBack(base, base, new Set(['333333333333']));
    const settled = settleProvisioning(rows, {
      blocked: new Map([['333333333333', 'failed']]),
      held,
      base,
      head: base,
      outcome: {
        exitCode: 1,
        report: {
          planned: true,
          changes: new Set(['aws_ssoadmin_account_assignment.ps_Dev["111111111111__group_Developers"]']),
          completed: new Set(),
          errored: new Set(['aws_ssoadmin_account_assignment.ps_Dev["111111111111__group_Developers"]']),
          errors: [{ severity: 'error', summary: "waiting for SSO Account Assignment create: unexpected state 'FAILED'", detail: 'in account 111111111111' }],
        },
      },
      endedAt: 'later',
    });
    expect(settled[0].steps![1].error).toMatch(/^held back: permission set\(s\) Ops are also provisioned to account\(s\) 333333333333/);
    expect(settled[1].steps![1]).toMatchObject({ step: 'provision', status: 'FAILED', error: "waiting for SSO Account Assignment create: unexpected state 'FAILED': in account 111111111111" });
  });

  test('the ledger keeps an account blocked until its failed policy rollout succeeds', () => {
    const failed = withSteps(row({ account: '222222222222', status: 'FAILED' }), [{ step: 'policy', status: 'FAILED', error: 'EntityAlreadyExists' }, { step: 'provision', status: 'FAILED', error: 'not provisioned' }]);
    const heldOnly = withSteps(row({ account: '111111111111', status: 'FAILED' }), [{ step: 'policy', status: 'SUCCESS' }, { step: 'provision', status: 'FAILED', error: 'held back' }]);
    expect([...ledgerBlockedAccounts([failed, heldOnly]).keys()]).toEqual(['222222222222']);
    const retried = { ...withSteps(row({ account: '222222222222', id: 'retry' }), [{ step: 'policy', status: 'SUCCESS' }, { step: 'provision', status: 'SUCCESS' }]), startedAt: '2026-11-02T00:00:00.000Z' };
    expect([...ledgerBlockedAccounts([failed, heldOnly, retried]).keys()]).toEqual([]);
  });

  test('a delete: references first, then the policy; a failed provisioning keeps the policy', () => {
    const rows = afterPolicyStacks([row({ event: 'DELETE', status: 'SUCCESS', account: '111111111111' }), row({ event: 'DELETE', status: 'SUCCESS', account: '222222222222' })]);
    expect(rows[0].steps!.map((s) => `${s.step}:${s.status}`)).toEqual(['provision:PENDING', 'policy:PENDING']);
    const provisioned = settleProvisioning(rows, { blocked: new Map(), held: heldBack(undefined, model().identityCenter!, new Set()), outcome: { exitCode: 0 }, endedAt: 't' });
    const withFailure = [provisioned[0], withSteps(provisioned[1], [{ step: 'provision', status: 'FAILED', error: 'x' }, { step: 'policy', status: 'PENDING' }])];
    const done = settleDeletes(withFailure, new Map([[provisioned[0].id, { ...provisioned[0], status: 'SUCCESS' as const, endedAt: 't2' }]]));
    expect(done.map((r) => `${r.account} ${r.status} ${r.steps!.map((s) => `${s.step}:${s.status}`).join(' ')}`)).toEqual([
      '111111111111 SUCCESS provision:SUCCESS policy:SUCCESS',
      '222222222222 FAILED provision:FAILED policy:FAILED',
    ]);
    expect(done[1].steps![1].error).toMatch(/^not deleted/);
  });
});
