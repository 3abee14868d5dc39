import { LedgerWriter } from '../../../src/adapters/git/ledger-store';
import { RolloutRow } from '../../../src/model/rollout';
import { cloneOf, git, remoteAndClone } from '../../helpers/git';
import { org } from '../../helpers/synth';

const rows = (prefix: string, n: number): RolloutRow[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, policy: i % 2 ? 'S3Read' : 'LogsRead', account: '111111111111', event: 'EDIT', status: 'SUCCESS', startedAt: '2026-11-23T10:00:00Z', commit: 'c' }));

describe('the rollout ledger in git', () => {
  test('two applies racing from two clones never lose a row', async () => {
    const { remote, clone } = remoteAndClone(org());
    const other = cloneOf(remote);
    const a = await LedgerWriter.open({ repoDir: clone });
    const b = await LedgerWriter.open({ repoDir: other });
    try {
      // both start from the same remote commit, then write at once: one push must be rejected and retried
      const [ta, tb] = await Promise.all([a.append(rows('a', 6), 'run a'), b.append(rows('b', 6), 'run b')]);
      expect(Math.max(ta, tb)).toBeGreaterThan(1);
      // and again, racing on top of that
      await Promise.all([a.append(rows('a2', 3), 'run a2'), b.append(rows('b2', 3), 'run b2')]);
    } finally {
      await a.close();
      await b.close();
    }
    const check = cloneOf(remote);
    const ids = ['LogsRead', 'S3Read'].flatMap((p) => git(check, 'show', `HEAD:rollouts/${p}.jsonl`).split('\n').map((l) => JSON.parse(l).id));
    expect(ids.sort()).toEqual([...rows('a', 6), ...rows('b', 6), ...rows('a2', 3), ...rows('b2', 3)].map((r) => r.id).sort());
    // every ledger commit says [skip ci], so writing it never triggers the pipeline
    const messages = git(check, 'log', '--format=%s').split('\n').filter((m) => m.startsWith('run'));
    expect(messages.length).toBe(4);
    expect(messages.every((m) => m.endsWith('[skip ci]'))).toBe(true);
  });

  test("writing the ledger never touches the clone's working tree", async () => {
    const { clone } = remoteAndClone(org());
    const before = git(clone, 'status', '--porcelain');
    const w = await LedgerWriter.open({ repoDir: clone });
    await w.append(rows('x', 2), 'run x');
    await w.close();
    expect(git(clone, 'status', '--porcelain')).toBe(before);
    expect(git(clone, 'worktree', 'list').split('\n')).toHaveLength(1);
  });
});
