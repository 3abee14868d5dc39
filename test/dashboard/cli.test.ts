import * as fs from 'node:fs';
import * as path from 'node:path';
import { runPrism } from '../helpers/cli';
import { exampleRepoCopy, tableRows } from './helpers';

describe('prism dashboard (the real CLI)', () => {
  const dir = exampleRepoCopy();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('renders the bundled example with its ledger, then replaces its own output', () => {
    const out = path.join(dir, 'site');
    const first = runPrism(['dashboard', '--dir', dir, '--out', out], { env: { GITHUB_SERVER_URL: '', GITHUB_REPOSITORY: '' } });
    expect(first.stderr).toMatch(/^dashboard: 7 policies, 7 account\(s\), 89 ledger line\(s\) in 6 file\(s\) -> .*index\.html \(\d+ files, [\d.]+ MB\)$/m);
    expect(first.code).toBe(0);
    const deny = fs.readFileSync(path.join(out, 'policies', 'DenyOutsideEU', 'index.html'), 'utf8');
    expect(tableRows(deny)).toHaveLength(5);
    expect(deny).toContain('prism retry DenyOutsideEU');

    const again = runPrism(['dashboard', '--dir', dir, '--out', out, '--repo-url', 'https://github.example.com/acme/iam']);
    expect(again.code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'policies', 'DenyOutsideEU', 'index.html'), 'utf8')).toContain('https://github.example.com/acme/iam/actions/workflows/prism-retry.yml');
  });

  test('refuses a folder it did not make, and a user folder (exit 2), and writes nothing', () => {
    const notes = path.join(dir, 'notes');
    fs.mkdirSync(notes);
    fs.writeFileSync(path.join(notes, 'todo.md'), 'mine');
    for (const [out, message] of [
      [notes, 'is a folder with other content'],
      [path.join(dir, 'policies'), 'would replace'],
    ]) {
      const before = fs.readdirSync(out).sort();
      const res = runPrism(['dashboard', '--dir', dir, '--out', out]);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(message);
      expect(res.stderr).toContain('nothing was written');
      expect(fs.readdirSync(out).sort()).toEqual(before);
    }
  });

  test('keeps the fold of each ledger file: a later build parses only new files, and builds the same site', () => {
    const repo = exampleRepoCopy();
    try {
      const cache = path.join(repo, '.prism', 'cache', 'dashboard');
      // files modified in the last 10 s are never taken as known: these were written an hour ago
      const hourAgo = new Date(Date.now() - 3_600_000);
      const age = (f: string) => fs.utimesSync(f, hourAgo, hourAgo);
      for (const f of fs.readdirSync(path.join(repo, 'rollouts'))) age(path.join(repo, 'rollouts', f));
      const build = (out: string, ...flags: string[]) => {
        const r = runPrism(['dashboard', '--dir', repo, '--out', path.join(repo, out), ...flags]);
        expect(r.code).toBe(0);
        return r.stderr;
      };
      /** Every page of a site, without the line that says when it was generated. */
      const site = (out: string) => {
        const root = path.join(repo, out);
        const files = (fs.readdirSync(root, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile()).sort();
        return Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(root, f), 'utf8').replace(/<p class="note">Generated [^<]*<code>/g, '')]));
      };

      expect(build('a')).toMatch(/6 ledger file\(s\), 6 parsed( in \d+ threads)?, 0 from the cache/);
      expect(fs.readFileSync(path.join(cache, '.prism-dashboard-cache'), 'utf8')).toMatch(/Safe to delete/);
      expect(build('b')).toMatch(/6 ledger file\(s\), 0 parsed, 6 from the cache/);
      expect(site('b')).toEqual(site('a'));
      expect(build('c', '--no-cache')).not.toMatch(/from the cache/);
      expect(site('c')).toEqual(site('a'));

      // one more run: only its file is parsed, and its rollout shows
      const run = path.join(repo, 'rollouts', 'runs', '2026-11-01', '090000Z-7d1c0b51-run.jsonl');
      fs.mkdirSync(path.dirname(run), { recursive: true });
      const row = { id: 'new-1', runId: '7d1c0b51-run', policy: 'DenyOutsideEU', account: '012345678901', event: 'EDIT', status: 'FAILED', error: 'AccessDenied: <b>new</b>', startedAt: '2026-11-01T09:00:00.000Z', endedAt: '2026-11-01T09:00:05.000Z', commit: 'f'.repeat(40) };
      fs.writeFileSync(run, JSON.stringify(row) + '\n');
      age(run);
      expect(build('d')).toMatch(/7 ledger file\(s\), 1 parsed( in \d+ threads)?, 6 from the cache/);
      expect(fs.readFileSync(path.join(repo, 'd', 'policies', 'DenyOutsideEU', 'index.html'), 'utf8')).toContain('AccessDenied: &lt;b&gt;new&lt;/b&gt;');
      expect(site('d')).toEqual((build('e', '--no-cache'), site('e')));

      // a damaged entry is ignored and written again
      const folds = path.join(cache, fs.readdirSync(cache).find((f) => f.startsWith('format-'))!);
      expect(fs.readdirSync(folds)).toHaveLength(7);
      for (const f of fs.readdirSync(folds)) fs.writeFileSync(path.join(folds, f), 'garbage');
      expect(build('f')).toMatch(/7 parsed/);
      expect(site('f')).toEqual(site('d'));

      // a run file that is gone: its entry is removed
      fs.rmSync(run);
      expect(build('g')).toMatch(/6 ledger file\(s\), 0 parsed, 6 from the cache \(1 stale cache entry removed\)/);
      expect(site('g')).toEqual(site('a'));
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });

  test('refuses a cache folder it did not make, and --cache with --no-cache (exit 2), touching nothing', () => {
    const mine = path.join(dir, 'my-cache');
    fs.mkdirSync(mine);
    fs.writeFileSync(path.join(mine, '0123456789012345678901234567890123456789.fold'), 'mine');
    const out = path.join(dir, 'site-cache');
    const res = runPrism(['dashboard', '--dir', dir, '--out', out, '--cache', mine]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('holds files Prism did not make');
    expect(fs.readdirSync(mine)).toEqual(['0123456789012345678901234567890123456789.fold']);
    expect(fs.existsSync(out)).toBe(false);
    const both = runPrism(['dashboard', '--dir', dir, '--cache', path.join(dir, 'c2'), '--no-cache']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
  });

  test('--help explains the flags; a bad flag is a usage error', () => {
    const help = runPrism(['dashboard', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--out FOLDER');
    expect(runPrism(['dashboard', '--page-size', '3', '--dir', dir]).code).toBe(2);
  });
});
