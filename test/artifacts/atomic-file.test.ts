import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspectOutputFolder, OUTPUT_MANIFEST, replaceOutputFolder, writeFileAtomic } from '../../src/artifacts/atomic-file';
import { PrismError } from '../../src/core/errors';

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

const write = (files: Record<string, string>) => (tmp: string) => {
  for (const [p, c] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(tmp, p)), { recursive: true });
    fs.writeFileSync(path.join(tmp, p), c);
  }
  return Object.keys(files).length;
};
const opts = { flag: '--out', kind: 'dashboard' as const };

describe('output folders: only ever replacing what Prism made', () => {
  let parent: string;
  let out: string;
  beforeEach(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-out-'));
    out = path.join(parent, 'site');
  });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  test('writes an absent folder with a manifest of every file, and leaves no temporary folder', async () => {
    expect(await replaceOutputFolder(out, opts, write({ 'index.html': 'one', 'a/b.html': 'b' }))).toBe(2);
    expect(JSON.parse(fs.readFileSync(path.join(out, OUTPUT_MANIFEST), 'utf8'))).toEqual({ writtenBy: 'prism', kind: 'dashboard', version: 1, files: ['a/b.html', 'index.html'] });
    expect(fs.readdirSync(parent)).toEqual(['site']);
  });

  test('writes into an empty folder, and replaces its own, dropping files that are gone', async () => {
    fs.mkdirSync(out);
    await replaceOutputFolder(out, opts, write({ 'index.html': 'one', 'old.html': 'old' }));
    await replaceOutputFolder(out, opts, write({ 'index.html': 'two' }));
    expect(snapshot(out)).toEqual({ 'index.html': 'two', [OUTPUT_MANIFEST]: expect.any(String) });
    expect(fs.readdirSync(parent)).toEqual(['site']);
  });

  test("replaces synth output that Terraform's lock and plan files were added to, but not other files added to it", async () => {
    const synth = { flag: '--out', kind: 'synth' as const };
    await replaceOutputFolder(out, synth, write({ 'stacks/account-111111111111/cdk.tf.json': '{}', 'manifest.json': '{}' }));
    // what terraform init and prism plan leave in a stack folder
    write({ 'stacks/account-111111111111/.terraform.lock.hcl': 'lock', 'stacks/account-111111111111/tfplan': 'plan', 'stacks/account-111111111111/.terraform/terraform.tfstate': '{}' })(out);
    expect(inspectOutputFolder(out, 'synth')).toEqual({ kind: 'ours' });
    await replaceOutputFolder(out, synth, write({ 'stacks/account-111111111111/cdk.tf.json': '{"v":2}', 'manifest.json': '{}' }));
    expect(Object.keys(snapshot(out)).sort()).toEqual([OUTPUT_MANIFEST, 'manifest.json', 'stacks/account-111111111111/cdk.tf.json']);
    // anything else, or the same names elsewhere, is still someone else's
    write({ 'stacks/account-111111111111/notes.txt': 'mine' })(out);
    expect(inspectOutputFolder(out, 'synth')).toMatchObject({ kind: 'refused' });
    fs.rmSync(path.join(out, 'stacks/account-111111111111/notes.txt'));
    write({ tfplan: 'plan' })(out);
    expect(inspectOutputFolder(out, 'synth')).toMatchObject({ kind: 'refused' });
    expect(inspectOutputFolder(out, 'dashboard')).toMatchObject({ kind: 'refused' });
  });

  test.each([
    ['a folder with files of its own', (o: string) => (fs.mkdirSync(o), fs.writeFileSync(path.join(o, 'notes.txt'), 'mine')), /is a folder with other content \(1 entry: notes.txt\) and no \.prism-output\.json/],
    ['a file', (o: string) => fs.writeFileSync(o, 'mine'), /is a file, not a folder/],
    ['a manifest Prism did not write', (o: string) => (fs.mkdirSync(o), fs.writeFileSync(path.join(o, OUTPUT_MANIFEST), '{"writtenBy":"other"}')), /that Prism did not write/],
    ['a symbolic link to a folder', (o: string) => fs.symlinkSync(fs.mkdtempSync(path.join(os.tmpdir(), 'prism-target-')), o), /is a symbolic link/],
    ['another kind of Prism output', (o: string) => (fs.mkdirSync(o), fs.writeFileSync(path.join(o, OUTPUT_MANIFEST), JSON.stringify({ writtenBy: 'prism', kind: 'synth', version: 1, files: [] }))), /holds Prism's synth output, not dashboard output/],
  ])('refuses %s: a usage error naming it, and nothing is touched', async (_name, prepare, message) => {
    prepare(out);
    const before = fs.lstatSync(out).isDirectory() ? snapshot(out) : fs.lstatSync(out).isSymbolicLink() ? fs.readlinkSync(out) : fs.readFileSync(out, 'utf8');
    const err = await replaceOutputFolder(out, opts, write({ 'x.html': 'x' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrismError);
    expect((err as PrismError).kind).toBe('usage');
    expect((err as PrismError).message).toMatch(message);
    expect((err as PrismError).message).toMatch(/nothing was written$/);
    const after = fs.lstatSync(out).isDirectory() ? snapshot(out) : fs.lstatSync(out).isSymbolicLink() ? fs.readlinkSync(out) : fs.readFileSync(out, 'utf8');
    expect(after).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['site']);
  });

  test('refuses its own folder once someone added a file to it (it would be deleted)', async () => {
    await replaceOutputFolder(out, opts, write({ 'index.html': 'one' }));
    fs.writeFileSync(path.join(out, 'CNAME'), 'dashboard.example.com');
    expect(inspectOutputFolder(out, 'dashboard')).toEqual({ kind: 'refused', reason: 'holds 1 file(s) Prism did not write (CNAME)' });
    await expect(replaceOutputFolder(out, opts, write({ 'index.html': 'two' }))).rejects.toThrow(PrismError);
    expect(snapshot(out)).toMatchObject({ CNAME: 'dashboard.example.com', 'index.html': 'one' });
  });

  test('refuses the repository and its user folders, even empty ones, and any folder that holds them', async () => {
    const repo = path.join(parent, 'repo');
    fs.mkdirSync(path.join(repo, 'policies'), { recursive: true });
    const protectedDirs = [repo, path.join(repo, 'policies')];
    for (const target of [repo, path.join(repo, 'policies'), parent]) {
      await expect(replaceOutputFolder(target, { ...opts, protectedDirs }, write({ 'x.html': 'x' }))).rejects.toThrow(/would replace .*nothing was written/);
    }
    expect(fs.readdirSync(path.join(repo, 'policies'))).toEqual([]);
  });

  test('a failure half-way leaves the previous folder as it was and no temporary folder', async () => {
    await replaceOutputFolder(out, opts, write({ 'index.html': 'one' }));
    const before = snapshot(out);
    await expect(
      replaceOutputFolder(out, opts, (tmp) => {
        fs.writeFileSync(path.join(tmp, 'index.html'), 'half');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(snapshot(out)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['site']);
  });

  // A SIGKILL between the two renames of the swap leaves exactly this state: the old folder moved
  // aside, the new one not yet in place (it cannot be timed reliably with a real kill, so the test
  // builds the state the kill leaves).
  test('a run killed mid-swap: the next run puts the old folder back, then replaces it', async () => {
    await replaceOutputFolder(out, opts, write({ 'index.html': 'one' }));
    const dead = 999999999;
    fs.renameSync(out, path.join(parent, `site.old-${dead}-abc123`));
    fs.mkdirSync(path.join(parent, `site.tmp-${dead}-def456`));
    expect(inspectOutputFolder(out, 'dashboard')).toEqual({ kind: 'absent' });
    await replaceOutputFolder(out, opts, (tmp) => {
      // the old copy is back in place while the new one is built: nothing was lost
      expect(snapshot(out)['index.html']).toBe('one');
      return write({ 'index.html': 'two' })(tmp);
    });
    expect(snapshot(out)['index.html']).toBe('two');
    expect(fs.readdirSync(parent)).toEqual(['site']);
  });

  test("leaves a running process's temporary folders alone", async () => {
    const running = path.join(parent, `site.tmp-${process.ppid}-abcdef`);
    fs.mkdirSync(running);
    await replaceOutputFolder(out, opts, write({ 'index.html': 'one' }));
    expect(fs.readdirSync(parent).sort()).toEqual(['site', path.basename(running)]);
  });

  test("terraform's working files in a stack folder of synth output are its own; anything else is not", async () => {
    const synth = { flag: '--out', kind: 'synth' as const };
    await replaceOutputFolder(out, synth, write({ 'manifest.json': '{}', 'stacks/account-111111111111/cdk.tf.json': '{}' }));
    const stack = path.join(out, 'stacks', 'account-111111111111');
    fs.mkdirSync(path.join(stack, '.terraform', 'providers'), { recursive: true });
    fs.writeFileSync(path.join(stack, '.terraform', 'providers', 'x'), 'link');
    fs.writeFileSync(path.join(stack, '.terraform.lock.hcl'), 'lock');
    fs.writeFileSync(path.join(stack, 'tfplan'), 'plan');
    expect(inspectOutputFolder(out, 'synth')).toEqual({ kind: 'ours' });
    fs.writeFileSync(path.join(stack, 'notes.tf'), 'mine');
    expect(inspectOutputFolder(out, 'synth')).toEqual({ kind: 'refused', reason: 'holds 1 file(s) Prism did not write (stacks/account-111111111111/notes.tf)' });
  });

  test("a folder cdktf synth wrote counts as synth output, and only that", async () => {
    fs.mkdirSync(path.join(out, 'stacks', 'account-111111111111'), { recursive: true });
    fs.writeFileSync(path.join(out, 'manifest.json'), '{}');
    fs.writeFileSync(path.join(out, 'stacks', 'account-111111111111', 'cdk.tf.json'), '{}');
    expect(inspectOutputFolder(out, 'synth')).toEqual({ kind: 'ours' });
    expect(inspectOutputFolder(out, 'dashboard').kind).toBe('refused');
    fs.writeFileSync(path.join(out, 'stacks', 'notes.md'), 'mine');
    expect(inspectOutputFolder(out, 'synth').kind).toBe('refused');
  });
});

describe('writeFileAtomic', () => {
  test('replaces a file whole; a folder in its place is a usage error and leaves no temporary file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-file-'));
    const file = path.join(dir, 'a', 'plan.json');
    writeFileAtomic(file, 'one');
    writeFileAtomic(file, 'two');
    expect(fs.readFileSync(file, 'utf8')).toBe('two');
    expect(() => writeFileAtomic(path.join(dir, 'a'), 'x')).toThrow(/is a folder, not a file/);
    expect(fs.readdirSync(path.join(dir, 'a'))).toEqual(['plan.json']);
  });
});
