/**
 * Nothing lost: every way of pointing an output at the repository, a user folder or a file is a
 * usage error (exit 2) that touches nothing, through the real CLI on a real git repository.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runPrism } from '../helpers/cli';
import { gitRepo } from '../helpers/git';
import { org } from '../helpers/synth';

/** Every file of the repository (the .git folder included) with a digest of its content. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const p = path.join(dir, f);
    if (fs.lstatSync(p).isFile()) out[f] = fs.readFileSync(p).toString('base64').slice(0, 64) + fs.statSync(p).size;
  }
  return out;
}

describe('outputs never replace what Prism did not make (the CLI)', () => {
  let dir: string;
  let before: Record<string, string>;
  beforeEach(() => {
    dir = gitRepo(org());
    fs.writeFileSync(path.join(dir, 'uncommitted-notes.md'), 'work in progress\n');
    before = fingerprint(dir);
  });

  const cases: [string, (d: string) => { args: string[]; env?: NodeJS.ProcessEnv }, RegExp][] = [
    ['synth --out . (the repository)', (d) => ({ args: ['synth', '--dir', d, '--out', d] }), /would replace/],
    ['synth --out policies', (d) => ({ args: ['synth', '--dir', d, '--out', path.join(d, 'policies')] }), /would replace/],
    ['synth --out <an existing file>', (d) => ({ args: ['synth', '--dir', d, '--out', path.join(d, 'uncommitted-notes.md')] }), /is a file, not a folder/],
    ['synth --out <a folder of someone else>', (d) => ({ args: ['synth', '--dir', d, '--out', path.join(d, '.git')] }), /would replace/],
    ['CDKTF_OUTDIR=permission-sets', (d) => ({ args: ['synth', '--dir', d], env: { CDKTF_OUTDIR: path.join(d, 'permission-sets') } }), /would replace/],
    ['bootstrap --out policies', (d) => ({ args: ['bootstrap', '--dir', d, '--github-repo', 'acme/iam', '--hub-account', '999999999999', '--out', path.join(d, 'policies')] }), /would replace/],
    ['preview --out <a directory>', (d) => ({ args: ['preview', '--dir', d, '--base', 'HEAD', '--out', path.join(d, 'assignments')] }), /is a folder, not a file/],
    ['dashboard --out .', (d) => ({ args: ['dashboard', '--dir', d, '--out', d] }), /would replace/],
  ];

  test.each(cases)('%s: exit 2, a message that names it, and nothing touched', (_name, make, message) => {
    const { args, env } = make(dir);
    const r = runPrism(args, { env: { GITHUB_STEP_SUMMARY: '', ...env } });
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.code).toBe(2);
    expect(fingerprint(dir)).toEqual(before);
    expect(fs.readdirSync(path.dirname(dir)).filter((n) => n.startsWith(`${path.basename(dir)}.`))).toEqual([]);
  });

  test('an output folder of its own is replaced, and a repository-relative default works', () => {
    expect(runPrism(['synth', '--dir', dir]).code).toBe(0);
    expect(runPrism(['synth', '--dir', dir]).code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'cdktf.out')).sort()).toEqual(['.prism-output.json', 'manifest.json', 'stacks']);
  });
});

describe('arguments never name a path (the CLI)', () => {
  test.each([['rollouts'], ['retry']])('prism %s ../../secret is a usage error and reads nothing', (command) => {
    const dir = gitRepo(org());
    // a .jsonl outside the repository that a path-joining command would read and print
    const secret = path.join(path.dirname(dir), 'secret.jsonl');
    fs.writeFileSync(secret, JSON.stringify({ id: 'x', policy: 'p', account: '111111111111', event: 'EDIT', status: 'SUCCESS', startedAt: 'now', commit: 'top-secret-value' }) + '\n');
    const r = runPrism([command, '../../secret', '--dir', dir, '--no-ledger'].filter((a) => command === 'retry' || a !== '--no-ledger'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a policy name');
    expect(r.stdout + r.stderr).not.toContain('top-secret-value');
  });
});
