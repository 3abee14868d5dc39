import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writePages } from '../../src/dashboard/write-site';

describe('writing the site pages', () => {
  test('writes every page, making folders as needed, and counts files and bytes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-pages-'));
    const r = writePages(dir, [
      { path: 'index.html', content: '<p>é</p>' },
      { path: 'policies/A/index.html', content: 'a' },
    ]);
    expect(r).toEqual({ files: 2, bytes: Buffer.byteLength('<p>é</p>') + 1 });
    expect(fs.readFileSync(path.join(dir, 'policies', 'A', 'index.html'), 'utf8')).toBe('a');
  });

  test.each(['../escape.html', '/etc/passwd', 'a//b.html', 'policies/./x.html'])('rejects a page path that could leave the folder: %s', (p) => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-pages-'));
    const dir = path.join(parent, 'site');
    fs.mkdirSync(dir);
    expect(() => writePages(dir, [{ path: p, content: 'x' }])).toThrow(/unsafe page path/);
    expect(fs.readdirSync(parent)).toEqual(['site']);
  });
});
