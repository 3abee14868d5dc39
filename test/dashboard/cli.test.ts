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
    expect(first.stderr).toMatch(/^dashboard: 7 policies, 7 account\(s\), 89 ledger line\(s\) -> .*index\.html \(\d+ files, [\d.]+ MB\)$/m);
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

  test('--help explains the flags; a bad flag is a usage error', () => {
    const help = runPrism(['dashboard', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--out FOLDER');
    expect(runPrism(['dashboard', '--page-size', '3', '--dir', dir]).code).toBe(2);
  });
});
