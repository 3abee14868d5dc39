import MarkdownIt from 'markdown-it';
import { renderRolloutTable, repositoryOfRun } from '../../src/apply/rollout-table';
import { RolloutRow } from '../../src/model/rollout';
import { fitRolloutTables } from '../../src/pipeline/rollouts';

const row = (account: string, status: RolloutRow['status'], over: Partial<RolloutRow> = {}): RolloutRow => ({
  id: `r-${account}`,
  policy: 'DataLakeRead',
  account,
  event: 'EDIT',
  status,
  startedAt: '2026-11-24T04:00:00.000Z',
  endedAt: '2026-11-24T04:00:04.200Z',
  commit: 'abcdef0123456789abcdef0123456789abcdef01',
  pullRequest: 42,
  runUrl: 'https://github.com/acme/iam/actions/runs/7',
  ...over,
});

describe('rollout tables: status icons and links to the commit, the pull request and the run', () => {
  const rows = [row('111111111111', 'SUCCESS'), row('222222222222', 'FAILED', { error: 'AccessDenied: explicit deny in an SCP' }), row('333333333333', 'PENDING', { endedAt: undefined, pullRequest: undefined })];

  test('markdown: every row has its icon beside its status, and links from the run link\'s repository', () => {
    const md = renderRolloutTable('DataLakeRead', rows, { format: 'markdown' });
    expect(md).toContain('**1 success · 1 pending · 1 failed**');
    expect(md).toContain(
      '| ✅ | 111111111111 | EDIT | SUCCESS |  | 2026-11-24T04:00:00.000Z | 4.2s | [abcdef0](https://github.com/acme/iam/commit/abcdef0123456789abcdef0123456789abcdef01) | [\\#42](https://github.com/acme/iam/pull/42) | [run](https://github.com/acme/iam/actions/runs/7) |',
    );
    expect(md).toMatch(/\| ❌ \| 222222222222 \| EDIT \| FAILED \| AccessDenied: explicit deny in an SCP \|/);
    expect(md).toMatch(/\| ⏳ \| 333333333333 \| EDIT \| PENDING \|  \| 2026-11-24T04:00:00\.000Z \|  \| \[abcdef0\]/);
    const html = new MarkdownIt().render(md);
    expect([...html.matchAll(/<a href="([^"]+)">/g)].map((m) => m[1])).toContain('https://github.com/acme/iam/pull/42');
  });

  test('text: icons, short commit, #PR, duration, and the run links under the table', () => {
    const text = renderRolloutTable('DataLakeRead', rows, { format: 'text' });
    expect(text.split('\n')).toEqual([
      'DataLakeRead: 1 success · 1 pending · 1 failed',
      '',
      '    Account       Event  Status   Started                   Took  Commit        PR   Error',
      '✅  111111111111  EDIT   SUCCESS  2026-11-24T04:00:00.000Z  4.2s  abcdef012345  #42',
      '❌  222222222222  EDIT   FAILED   2026-11-24T04:00:00.000Z  4.2s  abcdef012345  #42  AccessDenied: explicit deny in an SCP',
      '⏳  333333333333  EDIT   PENDING  2026-11-24T04:00:00.000Z        abcdef012345',
      '',
      'run: https://github.com/acme/iam/actions/runs/7',
    ]);
  });

  test('a run link from elsewhere gives no repository; only http(s) links are kept', () => {
    expect(repositoryOfRun('https://github.com/acme/iam/actions/runs/7')).toBe('https://github.com/acme/iam');
    expect(repositoryOfRun('javascript:alert(1)')).toBeUndefined();
    const md = renderRolloutTable('DataLakeRead', [row('111111111111', 'SUCCESS', { runUrl: 'javascript:alert(1)' })], { format: 'markdown' });
    expect(md).not.toContain('javascript:');
    expect(md).not.toContain('](');
  });

  test('the job summary of a large run fits in 1 MiB, keeping every policy\'s chips', () => {
    const many = Array.from({ length: 50 }, (_, p) => Array.from({ length: 1000 }, (_, a) => row(String(100000000000 + a), a % 97 ? 'SUCCESS' : 'FAILED', { id: `r-${p}-${a}`, policy: `Policy${p}`, error: a % 97 ? undefined : 'x'.repeat(200) }))).flat();
    const text = fitRolloutTables(Array.from({ length: 50 }, (_, p) => `Policy${p}`), many);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024 * 1024);
    expect(text.match(/\*\*989 success · 0 pending · 11 failed\*\*/g)).toHaveLength(50);
  });
});
