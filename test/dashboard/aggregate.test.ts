import fc from 'fast-check';
import { latestPerAccount, summaryChips } from '../../src/apply/rollout-table';
import { chipsText, countStatuses, RolloutAggregate } from '../../src/dashboard/aggregate';
import { decodeFold, encodeFold, foldRows } from '../../src/dashboard/fold';
import { LatestTable } from '../../src/dashboard/latest-table';
import { renderAccountPages } from '../../src/dashboard/render';
import { ROLLOUT_EVENTS, RolloutRow, RolloutStatus } from '../../src/model/rollout';

const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444'];
const POLICIES = ['Alpha', 'Beta'];

/**
 * Random ledgers as apply and retry write them: runs of rollouts, each written PENDING and later
 * (maybe) settled with the same id, start time and run; settled lines can come after other runs
 * started, and an interrupted rollout can be marked FAILED by a later run.
 */
const ledgerArb = fc
  .array(
    fc.record({
      start: fc.integer({ min: 0, max: 20 }),
      pairs: fc.uniqueArray(fc.record({ policy: fc.constantFrom(...POLICIES), account: fc.constantFrom(...ACCOUNTS) }), { selector: (p) => p.policy + p.account, minLength: 1, maxLength: 6 }),
      outcomes: fc.array(fc.constantFrom<RolloutStatus | 'none'>('SUCCESS', 'FAILED', 'none'), { minLength: 6, maxLength: 6 }),
      event: fc.constantFrom(...ROLLOUT_EVENTS),
      settleDelay: fc.integer({ min: 0, max: 3 }),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .map((runs) => {
    // each run appends its PENDING lines, and its settled lines `settleDelay` runs later
    const batches: RolloutRow[][] = runs.map(() => []);
    const late: RolloutRow[] = [];
    runs.forEach((run, r) => {
      const startedAt = new Date(Date.UTC(2026, 0, 1) + run.start * 60_000).toISOString();
      run.pairs.forEach((p, k) => {
        const row: RolloutRow = { id: `r${r}-${k}`, runId: `run-${r}`, policy: p.policy, account: p.account, event: run.event, status: 'PENDING', startedAt, commit: `c${r}`, ...(r % 3 ? { permissionSets: [`PS${r}`] } : {}), ...(r % 4 === 3 ? { retryOf: `r0-${k}` } : {}) };
        batches[r].push(row);
        const outcome = run.outcomes[k];
        if (outcome === 'none') return;
        const settled: RolloutRow = { ...row, status: outcome, endedAt: new Date(Date.parse(startedAt) + (k + 1) * 1000).toISOString(), ...(outcome === 'FAILED' ? { error: `boom ${r}` } : {}) };
        const at = r + run.settleDelay;
        (at < batches.length ? batches[at] : late).push(settled);
      });
    });
    return [...batches.flat(), ...late];
  });

describe('RolloutAggregate, the streaming fold of the ledger', () => {
  test('agrees with latestPerAccount and summaryChips on every policy (property)', () => {
    fc.assert(
      fc.property(ledgerArb, (rows) => {
        const agg = new RolloutAggregate().addAll(rows);
        for (const policy of POLICIES) {
          const expected = latestPerAccount(rows, policy);
          const got = agg.policy(policy)?.latestPerAccount() ?? [];
          expect(got.map((r) => [r.account, r.status, r.event, r.error, new Date(r.startedAt).toISOString(), r.wave.runId])).toEqual(
            expected.map((r) => [r.account, r.status, r.event, r.error, r.startedAt, r.runId]),
          );
          expect(chipsText(countStatuses(got))).toBe(summaryChips(expected));
        }
        // the accounts index counts without making views: the same as counting the views
        for (const a of ACCOUNTS) {
          const latest = agg.latestInAccount(a);
          expect(agg.countsInAccount(a)).toEqual({ counts: countStatuses(latest.map((l) => l.rollout)), policies: latest.length });
        }
      }),
      { numRuns: 400 },
    );
  });

  test('merging per-file folds, through their bytes, equals folding every row at once (property)', () => {
    // everything the pages read, as plain data
    const snapshot = (agg: RolloutAggregate) => ({
      lines: agg.lines,
      accounts: agg.accounts().sort(),
      policies: POLICIES.map((name) => {
        const p = agg.policy(name);
        if (!p) return undefined;
        const view = (r: { account: string; status: string; event: string; error?: string; startedAt: number; endedAt: number; wave: { number: number } }) => [r.account, r.status, r.event, r.error, r.startedAt, r.endedAt, r.wave.number];
        return {
          sets: p.permissionSets,
          waves: p.waves().map((w) => ({ ...w, rollouts: p.waveRollouts(w.number).map(view) })),
          latest: p.latestPerAccount().map(view),
          inAccount: ACCOUNTS.map((a) => agg.latestInAccount(a).map((l) => [l.policy, ...view(l.rollout)])),
        };
      }),
    });
    fc.assert(
      fc.property(ledgerArb, fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 6 }), (rows, cuts) => {
        const whole = snapshot(new RolloutAggregate().addAll(rows));
        // the same rows cut into files at arbitrary lines (a wave may span files)
        const at = [...new Set([0, ...cuts.map((c) => c % (rows.length + 1)), rows.length])].sort((a, b) => a - b);
        const agg = new RolloutAggregate();
        for (let i = 0; i + 1 < at.length; i++) agg.addFold(decodeFold(encodeFold(foldRows(rows.slice(at[i], at[i + 1])))));
        expect(snapshot(agg)).toEqual(whole);
      }),
      { numRuns: 400 },
    );
  });

  test('the table of latest rollouts, passed as a worker thread gets it, renders the account pages the aggregate renders (property)', () => {
    const documents = { policies: new Map(), permissionSets: new Map(), assignments: [{ permissionSet: 'PS', accounts: ['999999999999'] }] };
    const options = { generatedAt: new Date(0), repoUrl: 'https://github.com/o/r', pageSize: 10 };
    fc.assert(
      fc.property(ledgerArb, (rows) => {
        const agg = new RolloutAggregate().addAll(rows);
        const table = new LatestTable(structuredClone(LatestTable.of(agg)));
        expect([...renderAccountPages(table, documents, options)]).toEqual([...renderAccountPages(agg, documents, options)]);
      }),
      { numRuns: 150 },
    );
  });

  test('a fold\'s bytes are refused when they are not a fold of this format', () => {
    const bytes = encodeFold(foldRows([{ id: '1', policy: 'A', account: '012345678901', event: 'EDIT', status: 'PENDING', startedAt: 'not a date', commit: 'c' }]));
    const back = decodeFold(bytes);
    expect(back.waves[0].account[0]).toBe(12345678901);
    expect(new RolloutAggregate().addFold(back).accounts()).toEqual(['012345678901']);
    expect(() => decodeFold(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated|trailing/);
    expect(() => decodeFold(Buffer.from('{"magic":"x"}'))).toThrow(/not a dashboard fold/);
    const other = Buffer.from(bytes);
    other.write(JSON.stringify({ magic: 'prism-fold', format: 999 }).padEnd(other.readUInt32LE(0)), 4);
    expect(() => decodeFold(other)).toThrow(/format/);
  });

  test('a wave is a run: PENDING lines are superseded by their settled line', () => {
    const base = { policy: 'Alpha', event: 'EDIT' as const, commit: 'abc', pullRequest: 7, runUrl: 'https://github.com/o/r/actions/runs/1' };
    const rows: RolloutRow[] = [
      { ...base, id: 'a', runId: 'run1', account: '111111111111', status: 'PENDING', startedAt: '2026-01-01T00:00:00Z' },
      { ...base, id: 'b', runId: 'run1', account: '222222222222', status: 'PENDING', startedAt: '2026-01-01T00:00:00Z' },
      { ...base, id: 'a', runId: 'run1', account: '111111111111', status: 'SUCCESS', startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:00:30Z' },
      { ...base, id: 'b', runId: 'run1', account: '222222222222', status: 'FAILED', error: 'DeleteConflict', startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:01:00Z' },
      { ...base, id: 'c', runId: 'run2', account: '222222222222', status: 'PENDING', startedAt: '2026-01-02T00:00:00Z', retryOf: 'b', pullRequest: undefined },
      { ...base, id: 'c', runId: 'run2', account: '222222222222', status: 'SUCCESS', startedAt: '2026-01-02T00:00:00Z', endedAt: '2026-01-02T00:00:10Z', retryOf: 'b', pullRequest: undefined },
    ];
    const p = new RolloutAggregate().addAll(rows).policy('Alpha')!;
    const [w1, w2] = p.waves();
    expect(w1).toMatchObject({ number: 1, runId: 'run1', commit: 'abc', pullRequest: 7, retry: false, size: 2, counts: { SUCCESS: 1, PENDING: 0, FAILED: 1 }, events: ['EDIT'] });
    expect(w1.endedAt - w1.startedAt).toBe(60_000);
    expect(w2).toMatchObject({ number: 2, runId: 'run2', retry: true, size: 1, counts: { SUCCESS: 1, PENDING: 0, FAILED: 0 } });
    expect(p.latestPerAccount().map((r) => [r.account, r.status, r.wave.number])).toEqual([
      ['111111111111', 'SUCCESS', 1],
      ['222222222222', 'SUCCESS', 2],
    ]);
    expect(p.waveRollouts(1).map((r) => [r.account, r.status, r.error, r.endedAt - r.startedAt])).toEqual([
      ['111111111111', 'SUCCESS', undefined, 30_000],
      ['222222222222', 'FAILED', 'DeleteConflict', 60_000],
    ]);
  });

  test('rows without a run id are grouped by commit', () => {
    const row = (id: string, account: string, commit: string): RolloutRow => ({ id, policy: 'Alpha', account, event: 'CREATE', status: 'SUCCESS', startedAt: '2026-01-01T00:00:00Z', commit });
    const p = new RolloutAggregate().addAll([row('1', '111111111111', 'c1'), row('2', '222222222222', 'c1'), row('3', '111111111111', 'c2')]).policy('Alpha')!;
    expect(p.waves().map((w) => [w.commit, w.size])).toEqual([
      ['c1', 2],
      ['c2', 1],
    ]);
  });

  test('cuts a very long error and says by how much', () => {
    const long = 'x'.repeat(10_000);
    const p = new RolloutAggregate().addAll([{ id: '1', policy: 'A', account: '111111111111', event: 'EDIT', status: 'FAILED', error: long, startedAt: '2026-01-01T00:00:00Z', commit: 'c' }]).policy('A')!;
    const error = p.latestPerAccount()[0].error!;
    expect(error.length).toBeLessThan(4100);
    expect(error).toMatch(/6,000 more characters in the ledger\)$/);
  });
});
