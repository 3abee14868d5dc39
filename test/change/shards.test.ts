import fc from 'fast-check';
import { MAX_MATRIX_JOBS, shardAccounts } from '../../src/change/shards';
import { mergePlanSummaries } from '../../src/artifacts/plan-file';
import { summarizePlan } from '../../src/adapters/terraform/plan-json';
import { tfFixture } from '../helpers/fixtures';

const ids = (n: number) => Array.from({ length: n }, (_, i) => String(100000000000 + i * 37));

describe('sharding', () => {
  test('every affected account is in exactly one shard', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1200 }), fc.integer({ min: 1, max: MAX_MATRIX_JOBS }), (n, shards) => {
        const accounts = ids(n);
        const matrix = shardAccounts(accounts, shards);
        const all = matrix.flatMap((s) => s.accounts.split(',').filter(Boolean));
        expect(all.sort()).toEqual([...accounts].sort());
        expect(matrix.length).toBe(Math.min(shards, n));
        const sizes = matrix.map((s) => s.accounts.split(',').length);
        if (sizes.length) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  test('more shards than the matrix limit is refused', () => {
    expect(() => shardAccounts(ids(10), MAX_MATRIX_JOBS + 1)).toThrow(/1\.\.256/);
  });

  test('merging shard results is lossless, and an account in two shards is an error', () => {
    const plans = ids(9).map((a, i) => summarizePlan(a, tfFixture(i % 2 ? 'plan-json/tf-show-json-basic-delete.json' : 'plan-json/tf-show-json-drift.json')));
    const merged = mergePlanSummaries([plans.slice(0, 4), plans.slice(4)]);
    expect(merged).toEqual([...plans].sort((a, b) => (a.account < b.account ? -1 : 1)));
    expect(() => mergePlanSummaries([plans.slice(0, 4), plans.slice(3)])).toThrow(/appears in two shard results/);
  });
});

describe('prism drift', () => {
  const { runPrism } = require('../helpers/cli') as typeof import('../helpers/cli');
  const { writeRepo } = require('../helpers/repo') as typeof import('../helpers/repo');
  test('refuses to compare nothing (no plans, no discovery), and a --discovery file that does not exist', () => {
    const dir = writeRepo({ 'policies/README.md': 'Customer managed policies.\n' });
    const nothing = runPrism(['drift', '--dir', dir]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('prism drift has nothing to compare');
    const missing = runPrism(['drift', '--dir', dir, '--discovery', 'nope.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--discovery nope.json does not exist');
  });
});
