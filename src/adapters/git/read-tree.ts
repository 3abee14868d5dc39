import { spawn } from 'node:child_process';
import { simpleGit } from 'simple-git';
import { externalError } from '../../core/errors';
import { isIgnoredName, LAYOUT, USER_DIRS } from '../../load/layout';
import { MAX_FILE_BYTES, RawEntry } from '../../load/parsed-file';

interface TreeEntry {
  mode: string;
  type: string;
  object: string;
  size: number;
  path: string;
}

/** Lists the user files of `ref` (one level deep in each user folder), as `git ls-tree` sees them. */
async function listTree(root: string, ref: string): Promise<TreeEntry[]> {
  const git = simpleGit(root);
  let out: string;
  try {
    out = await git.raw(['ls-tree', '-r', '-t', '-z', '--long', ref, '--', LAYOUT.settings, ...USER_DIRS]);
  } catch (err) {
    throw externalError(`git cannot read ${ref}: ${(err as Error).message.trim()}`, err);
  }
  return out
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode, type, object, size] = line.slice(0, tab).split(/\s+/);
      return { mode, type, object, size: size === '-' ? 0 : Number(size), path: line.slice(tab + 1) };
    });
}

/** Reads many blobs with one `git cat-file --batch` process; binary-safe. */
export function readBlobs(root: string, objects: string[]): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const result = new Map<string, Buffer>();
    objects = [...new Set(objects)];
    if (objects.length === 0) return resolve(result);
    const child = spawn('git', ['cat-file', '--batch'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (err) => reject(externalError(`cannot run git: ${err.message}`, err)));
    child.on('close', (code) => {
      if (code !== 0) return reject(externalError(`git cat-file failed (exit code ${code}): ${stderr.trim()}`));
      const buf = Buffer.concat(chunks);
      let pos = 0;
      for (const object of objects) {
        const nl = buf.indexOf(10, pos);
        const header = buf.subarray(pos, nl).toString();
        const size = Number(header.split(' ')[2]);
        result.set(object, buf.subarray(nl + 1, nl + 1 + size));
        pos = nl + 1 + size + 1;
      }
      resolve(result);
    });
    child.stdin.end(objects.join('\n') + '\n');
  });
}

/**
 * Reads the user files of a commit without touching the working tree: the same entries, with the
 * same problems (directories, symlinks, oversized files), as `readRepoFromDisk` gives for a checkout.
 */
export async function readRepoAtRef(root: string, ref: string): Promise<RawEntry[]> {
  const entries = await listTree(root, ref);
  const raw: RawEntry[] = [];
  const wanted: { path: string; object: string }[] = [];
  const depth = (p: string) => p.split('/').length;
  for (const e of entries) {
    const name = e.path.split('/').pop()!;
    const isSettings = e.path === LAYOUT.settings;
    if (!isSettings && depth(e.path) === 1) {
      if (e.type !== 'tree') raw.push({ path: e.path, problem: { code: 'file/not-a-directory', message: `${e.path} is a file; expected a folder of ${e.path} files` } });
      continue;
    }
    if (!isSettings && depth(e.path) > 2) continue; // inside a subfolder: reported once, below
    if (isIgnoredName(name)) continue;
    if (e.type === 'tree') {
      raw.push({ path: e.path, problem: { code: 'file/not-a-file', message: `${e.path} is a directory; expected a file (Prism reads each user folder one level deep)` } });
    } else if (e.mode === '120000') {
      raw.push({ path: e.path, problem: { code: 'file/symlink-outside', message: `${e.path} is a symlink; Prism reads only regular files from a commit`, hint: 'Commit the file itself.' } });
    } else if (e.type !== 'blob') {
      raw.push({ path: e.path, problem: { code: 'file/not-a-file', message: `${e.path} is a ${e.type}, not a file` } });
    } else if (e.size > MAX_FILE_BYTES) {
      raw.push({ path: e.path, problem: { code: 'file/too-large', message: `${e.path} is ${e.size.toLocaleString('en-US')} bytes; Prism reads user files of at most ${MAX_FILE_BYTES.toLocaleString('en-US')} bytes` } });
    } else wanted.push({ path: e.path, object: e.object });
  }
  const blobs = await readBlobs(root, [...new Set(wanted.map((w) => w.object))]);
  for (const w of wanted) raw.push({ path: w.path, bytes: blobs.get(w.object)! });
  return raw.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The commit a ref names, for messages and the ledger. */
export async function resolveRef(root: string, ref: string): Promise<string> {
  try {
    return (await simpleGit(root).revparse([`${ref}^{commit}`])).trim();
  } catch (err) {
    throw externalError(`git cannot resolve ${ref}: ${(err as Error).message.trim()}`, err);
  }
}

/**
 * The commit the working tree's user files are exactly: HEAD when no user file differs from it
 * (untracked ones included); undefined when they do (uncommitted changes) or there is no commit.
 */
export async function workingTreeCommit(root: string): Promise<string | undefined> {
  try {
    const git = simpleGit(root);
    const status = await git.raw(['status', '--porcelain', '--untracked-files=all', '--', LAYOUT.settings, ...USER_DIRS]);
    if (status.trim()) return undefined;
    return (await git.revparse(['HEAD^{commit}'])).trim();
  } catch {
    return undefined;
  }
}
