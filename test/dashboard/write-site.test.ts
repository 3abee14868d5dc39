import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PrismError } from '../../src/core/errors';
import { SitePage } from '../../src/dashboard/render';
import { inspectOutFolder, MANIFEST_FILE, writeSite } from '../../src/dashboard/write-site';

const NOW = new Date('2026-11-04T12:00:00Z');
const site = (v: string): SitePage[] => [
  { path: 'index.html', content: `<p>${v}</p>` },
  { path: 'policies/A/index.html', content: v },
];

/** Every file under dir with its content, for "nothing was touched" checks. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = path.join(rel, e.name);
      if (e.isDirectory()) walk(p);
      else out[p] = fs.readFileSync(path.join(dir, p), 'utf8');
    }
  };
  walk('');
  return out;
}

describe('writing the site: only into a folder that is absent, empty or the dashboard\'s own', () => {
  let parent: string;
  let out: string;
  beforeEach(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-dashboard-out-'));
    out = path.join(parent, 'site');
  });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  test('writes an absent folder, with a manifest of every file, and leaves no temporary folder', () => {
    const r = writeSite(out, site('one'), NOW);
    expect(r.files).toBe(3);
    expect(snapshot(out)['policies/A/index.html']).toBe('one');
    const manifest = JSON.parse(fs.readFileSync(path.join(out, MANIFEST_FILE), 'utf8'));
    expect(manifest).toMatchObject({ tool: 'prism dashboard', version: 1, generatedAt: NOW.toISOString(), files: ['index.html', 'policies/A/index.html'] });
    expect(fs.readdirSync(parent)).toEqual(['site']);
  });

  test('writes into an empty folder', () => {
    fs.mkdirSync(out);
    writeSite(out, site('one'), NOW);
    expect(snapshot(out)['index.html']).toBe('<p>one</p>');
  });

  test('replaces a folder it wrote before, dropping pages that are gone', () => {
    writeSite(out, [...site('one'), { path: 'policies/Old/index.html', content: 'old' }], NOW);
    writeSite(out, site('two'), NOW);
    expect(Object.keys(snapshot(out)).sort()).toEqual([MANIFEST_FILE, 'index.html', path.join('policies', 'A', 'index.html')]);
    expect(snapshot(out)['index.html']).toBe('<p>two</p>');
    expect(fs.readdirSync(parent)).toEqual(['site']);
  });

  test.each([
    ['a folder with other files', (o: string) => fs.mkdirSync(o) === undefined && fs.writeFileSync(path.join(o, 'notes.txt'), 'mine'), /is a folder with other content \(1 entry: notes.txt\)/],
    ['a file', (o: string) => fs.writeFileSync(o, 'mine'), /is a file, not a folder/],
    ['a manifest someone else wrote', (o: string) => fs.mkdirSync(o) === undefined && fs.writeFileSync(path.join(o, MANIFEST_FILE), '{"tool":"other"}'), /prism dashboard did not write/],
  ])('refuses %s: a usage error, and nothing is touched', (_name, prepare, message) => {
    prepare(out);
    const before = fs.statSync(out).isDirectory() ? snapshot(out) : fs.readFileSync(out, 'utf8');
    expect(() => writeSite(out, site('x'), NOW)).toThrow(message);
    try {
      writeSite(out, site('x'), NOW);
    } catch (err) {
      expect(err).toBeInstanceOf(PrismError);
      expect((err as PrismError).kind).toBe('usage');
    }
    expect(fs.statSync(out).isDirectory() ? snapshot(out) : fs.readFileSync(out, 'utf8')).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['site']);
  });

  test('refuses its own folder once someone added a file to it (it would be deleted)', () => {
    writeSite(out, site('one'), NOW);
    fs.writeFileSync(path.join(out, 'CNAME'), 'dashboard.example.com');
    expect(inspectOutFolder(out)).toEqual({ kind: 'refused', reason: 'holds 1 file(s) the dashboard did not write (CNAME)' });
    expect(() => writeSite(out, site('two'), NOW)).toThrow(PrismError);
    expect(snapshot(out)['CNAME']).toBe('dashboard.example.com');
    expect(snapshot(out)['index.html']).toBe('<p>one</p>');
  });

  test('a failure half-way leaves the previous site as it was and no temporary folder', () => {
    writeSite(out, site('one'), NOW);
    const before = snapshot(out);
    function* failing(): Generator<SitePage> {
      yield { path: 'index.html', content: 'half' };
      throw new Error('disk full');
    }
    expect(() => writeSite(out, failing(), NOW)).toThrow('disk full');
    expect(snapshot(out)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['site']);
  });

  test('rejects a page path that would leave the folder', () => {
    expect(() => writeSite(out, [{ path: '../escape.html', content: 'x' }], NOW)).toThrow(/unsafe page path/);
    expect(fs.existsSync(path.join(parent, 'escape.html'))).toBe(false);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('removes what a killed run left behind, but not a running one\'s', () => {
    const dead = path.join(parent, `.site.prism-dashboard-999999999-abcdef`);
    const running = path.join(parent, `.site.prism-dashboard-${process.ppid}-abcdef`);
    fs.mkdirSync(dead);
    fs.mkdirSync(running);
    writeSite(out, site('one'), NOW);
    expect(fs.readdirSync(parent).sort()).toEqual([path.basename(running), 'site']);
  });
});
