import { mapPool } from '../../src/core/pool';
import { applyStacks } from '../../src/apply/apply-stacks';
import { AccountApplyOutcome } from '../../src/model/terraform';
import { RolloutRow } from '../../src/model/rollout';

const accounts = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555'];
const pendingFor = (ids: readonly string[]) =>
  new Map(ids.map((account) => [account, [{ id: `r-${account}`, policy: 'P', account, event: 'EDIT', status: 'PENDING', startedAt: '2026-11-01T00:00:00Z', commit: 'c' } as RolloutRow]]));
const ok: AccountApplyOutcome = { exitCode: 0 };
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('applyStacks (the apply loop, with accounts applied by an in-process function)', () => {
  test('never runs more than `concurrency` accounts at once, and settles every account', async () => {
    let running = 0;
    let peak = 0;
    const result = await applyStacks(accounts, pendingFor(accounts), {
      concurrency: 2,
      failureTolerance: 0,
      now: () => new Date('2026-11-01T00:01:00Z'),
      applyAccount: async () => {
        peak = Math.max(peak, ++running);
        await tick();
        running--;
        return ok;
      },
    });
    expect(peak).toBe(2);
    expect(result.rows.map((r) => `${r.account} ${r.status}`).sort()).toEqual(accounts.map((a) => `${a} SUCCESS`));
    expect(result.failedAccounts).toEqual([]);
  });

  test('past the failure tolerance no new account starts; the ones not started are FAILED "not started"', async () => {
    const started: string[] = [];
    const result = await applyStacks(accounts, pendingFor(accounts), {
      concurrency: 1,
      failureTolerance: 1,
      now: () => new Date(),
      applyAccount: async (account) => {
        started.push(account);
        return { exitCode: 1, setupError: `init failed in ${account}` };
      },
    });
    expect(started).toEqual(accounts.slice(0, 2));
    expect(result.failedAccounts).toEqual(accounts.slice(0, 2));
    expect(result.skippedAccounts).toEqual(accounts.slice(2));
    const byAccount = new Map(result.rows.map((r) => [r.account, r]));
    expect(byAccount.get(accounts[0])).toMatchObject({ status: 'FAILED', error: `init failed in ${accounts[0]}` });
    for (const a of accounts.slice(2)) expect(byAccount.get(a)!.error).toMatch(/^not started: 2 account\(s\) failed, more than the failure tolerance of 1/);
  });

  test('an exception in one account is that account failure only', async () => {
    const result = await applyStacks(accounts.slice(0, 3), pendingFor(accounts.slice(0, 3)), {
      concurrency: 3,
      failureTolerance: 5,
      now: () => new Date(),
      applyAccount: async (account) => {
        if (account === accounts[1]) throw new Error('disk full');
        return ok;
      },
    });
    expect(result.rows.map((r) => `${r.account} ${r.status} ${r.error ?? ''}`.trim()).sort()).toEqual([
      `${accounts[0]} SUCCESS`,
      `${accounts[1]} FAILED prism could not run the apply: disk full`,
      `${accounts[2]} SUCCESS`,
    ]);
  });
});

describe('mapPool', () => {
  test('keeps input order and bounds the calls in flight', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapPool([5, 1, 4, 2, 3], 3, async (n, i) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, n * 3));
      running--;
      return `${i}:${n}`;
    });
    expect(out).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3']);
    expect(peak).toBe(3);
  });
});
