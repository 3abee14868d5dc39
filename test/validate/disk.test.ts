import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAndValidate } from '../../src/validate/load-and-validate';
import { minimalRepo, writeRepo } from '../helpers/repo';

const codesAt = (dir: string) =>
  loadAndValidate(dir)
    .diagnostics.filter((d) => d.severity !== 'note')
    .map((d) => `${d.code} ${d.location?.file}:${d.location?.line}`);

describe('validate: files on disk', () => {
  test('rejects a symlink pointing outside the repository', () => {
    const dir = writeRepo(minimalRepo());
    const outside = path.join(writeRepo({ 'x.json': { Version: '2012-10-17' } }), 'x.json');
    fs.symlinkSync(outside, path.join(dir, 'policies/Outside.json'));
    expect(codesAt(dir)).toEqual(['file/symlink-outside policies/Outside.json:1']);
  });

  test('follows a symlink that stays inside the repository', () => {
    const dir = writeRepo({ ...minimalRepo(), 'shared/S3.json': minimalRepo()['policies/S3Read.json'] });
    fs.rmSync(path.join(dir, 'policies/S3Read.json'));
    fs.symlinkSync(path.join(dir, 'shared/S3.json'), path.join(dir, 'policies/S3Read.json'));
    expect(codesAt(dir)).toEqual([]);
  });

  test('rejects a broken symlink', () => {
    const dir = writeRepo(minimalRepo());
    fs.symlinkSync(path.join(dir, 'nowhere.json'), path.join(dir, 'policies/Broken.json'));
    expect(codesAt(dir)).toEqual(['file/broken-symlink policies/Broken.json:1']);
  });

  test('rejects a directory where a file should be', () => {
    const dir = writeRepo(minimalRepo());
    fs.mkdirSync(path.join(dir, 'permission-sets/Admin.yaml'));
    expect(codesAt(dir)).toEqual(['file/not-a-file permission-sets/Admin.yaml:1']);
  });

  test('rejects a file where a user folder should be', () => {
    const files = minimalRepo();
    delete files['assignments/dev.yaml'];
    const dir = writeRepo({ ...files, assignments: 'oops' });
    expect(codesAt(dir)).toEqual(['file/not-a-directory assignments:1']);
  });

  test('rejects a huge file without reading it whole', () => {
    const dir = writeRepo(minimalRepo());
    const fd = fs.openSync(path.join(dir, 'policies/Huge.json'), 'w');
    fs.ftruncateSync(fd, 50 * 1024 * 1024);
    fs.closeSync(fd);
    expect(codesAt(dir)).toEqual(['file/too-large policies/Huge.json:1']);
  });

  test('rejects invalid UTF-8 with the line of the bad byte', () => {
    const dir = writeRepo(minimalRepo());
    fs.writeFileSync(path.join(dir, 'policies/Latin1.json'), Buffer.concat([Buffer.from('{\n  "Version": "2012-10-17",\n  "Id": "caf'), Buffer.from([0xe9]), Buffer.from('"\n}\n')]));
    expect(codesAt(dir)).toEqual(['file/encoding policies/Latin1.json:3']);
  });

  test('ignores dotfiles and READMEs in user folders', () => {
    const dir = writeRepo({ ...minimalRepo(), 'policies/.gitkeep': '', 'policies/README.md': '# policies' });
    expect(codesAt(dir)).toEqual([]);
  });

  test('the bundled example validates without errors or warnings', () => {
    const root = path.join(__dirname, '..', '..');
    const { diagnostics } = loadAndValidate(root);
    expect(diagnostics.filter((d) => d.severity !== 'note')).toEqual([]);
    // and it shows the library-only note, one of the format's features
    expect(diagnostics.map((d) => d.code)).toEqual(['library/unprovisioned']);
  });
});
