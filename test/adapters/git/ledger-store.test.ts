import * as fs from 'node:fs';
import * as path from 'node:path';
import { LedgerStore } from '../../../src/adapters/git/ledger-store';
import { latestRows, RolloutRow } from '../../../src/model/rollout';
import { cloneOf, git, remoteAndClone } from '../../helpers/git';
import { org } from '../../helpers/synth';

// a guard against a hang, not a timed assertion: 120 contended pushes on two cores take a while
jest.setTimeout(10 * 60_000);

const row = (run: string, i: number, status: RolloutRow['status']): RolloutRow => ({
  id: `${run}-${i}`,
  runId: run,
  policy: i % 2 ? 'S3Read' : 'LogsRead',
  account: String(100000000000 + i),
  event: 'EDIT',
  status,
  startedAt: '2026-11-23T10:00:00.000Z',
  commit: 'c',
});

describe('the rollout ledger on its own branch', () => {
  test('20 shards racing in 3 rounds: no row lost, no shard fails on contention, every rollout ends terminal', async () => {
    const { remote } = remoteAndClone(org());
    const clones = Array.from({ length: 20 }, () => cloneOf(remote));
    let maxAttempts = 0;
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        clones.map(async (clone, shard) => {
          const store = await LedgerStore.open({ repoDir: clone });
          const run = `r${round}s${shard}`;
          const writer = store.run(run, `2026-11-23T10:0${round}:${String(shard).padStart(2, '0')}.000Z`);
          const pending = [0, 1, 2].map((i) => row(run, i, 'PENDING'));
          maxAttempts = Math.max(maxAttempts, await writer.append(pending, `${run} pending`));
          maxAttempts = Math.max(maxAttempts, await writer.append(pending.map((r) => ({ ...r, status: 'SUCCESS' as const })), `${run} settled`));
        }),
      );
    }
    // contention really happened, and was absorbed
    expect(maxAttempts).toBeGreaterThan(1);
    const content = await (await LedgerStore.open({ repoDir: cloneOf(remote) })).read();
    expect(content.problems).toEqual([]);
    const latest = latestRows(content.rows);
    expect(latest).toHaveLength(3 * 20 * 3);
    expect(latest.every((r) => r.status === 'SUCCESS')).toBe(true);
    // each run wrote one file of its own; every commit says [skip ci]
    const check = cloneOf(remote);
    git(check, 'fetch', '-q', 'origin', 'prism-ledger');
    expect(git(check, 'ls-tree', '-r', '--name-only', 'FETCH_HEAD').split('\n')).toHaveLength(60);
    const messages = git(check, 'log', '--format=%s', 'FETCH_HEAD').split('\n');
    expect(messages).toHaveLength(120);
    expect(messages.every((m) => m.endsWith('[skip ci]'))).toBe(true);
  });

  test('works when main is protected against pushes, and never touches the checkout', async () => {
    const { remote, clone } = remoteAndClone(org());
    // the remote refuses any push to main, as a branch protection rule would
    const hook = path.join(remote, 'hooks', 'pre-receive');
    fs.writeFileSync(hook, '#!/bin/sh\nwhile read old new ref; do [ "$ref" = refs/heads/main ] && { echo "main is protected" >&2; exit 1; }; done\nexit 0\n', { mode: 0o755 });
    fs.writeFileSync(path.join(clone, 'scratch.txt'), 'uncommitted\n');
    const before = { status: git(clone, 'status', '--porcelain'), head: git(clone, 'rev-parse', 'HEAD'), worktrees: git(clone, 'worktree', 'list') };
    const store = await LedgerStore.open({ repoDir: clone });
    await store.run('r1', '2026-11-23T10:00:00.000Z').append([row('r1', 0, 'SUCCESS'), { type: 'applied', account: '100000000000', commit: 'c', stateHash: 'h', at: '2026-11-23T10:01:00.000Z', runId: 'r1' }], 'r1');
    expect({ status: git(clone, 'status', '--porcelain'), head: git(clone, 'rev-parse', 'HEAD'), worktrees: git(clone, 'worktree', 'list') }).toEqual(before);
    const content = await (await LedgerStore.open({ repoDir: cloneOf(remote) })).read();
    expect(content.rows.map((r) => r.id)).toEqual(['r1-0']);
    expect(content.watermarks).toEqual([expect.objectContaining({ account: '100000000000', stateHash: 'h' })]);
  });

  test("reads an older repository's per-policy files from the checkout, then the branch's runs", async () => {
    const { clone } = remoteAndClone({ ...org(), 'rollouts/S3Read.jsonl': JSON.stringify(row('old', 1, 'FAILED')) + '\n' });
    const store = await LedgerStore.open({ repoDir: clone });
    expect((await store.read()).rows.map((r) => `${r.id} ${r.status}`)).toEqual(['old-1 FAILED']);
    await store.run('new', '2026-11-24T09:00:00.000Z').append([{ ...row('old', 1, 'SUCCESS') }], 'settled later');
    const rows = (await (await LedgerStore.open({ repoDir: clone })).read()).rows;
    expect(latestRows(rows).map((r) => `${r.id} ${r.status}`)).toEqual(['old-1 SUCCESS']);
  });

  test('a folder that is not a clone reads its own rollouts/ and refuses to write', async () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'prism-ledger-folder-'));
    fs.mkdirSync(path.join(dir, 'rollouts', 'runs', '2026-11-23'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'rollouts', 'runs', '2026-11-23', '100000-r.jsonl'), JSON.stringify(row('r', 0, 'SUCCESS')) + '\nnot json\n');
    const store = await LedgerStore.open({ repoDir: dir });
    const content = await store.read();
    expect(content.rows.map((r) => r.id)).toEqual(['r-0']);
    expect(content.problems).toEqual(['rollouts/runs/2026-11-23/100000-r.jsonl:2: invalid JSON']);
    expect(() => store.run('x', '2026-11-23T10:00:00.000Z')).toThrow(/not a clone with a remote/);
  });
});
