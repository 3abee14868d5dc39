import * as fs from 'node:fs';
import * as path from 'node:path';
import { isIgnoredName, LAYOUT, USER_DIRS } from './layout';
import { MAX_FILE_BYTES, RawEntry } from './parsed-file';

/**
 * Reads the user files of a repository on disk, one level deep in each user folder.
 * Symlinks are followed only when they stay inside the repository; directories, oversized files
 * and unreadable entries come back as problems rather than exceptions.
 */
export function readRepoFromDisk(root: string): RawEntry[] {
  const realRoot = fs.realpathSync(root);
  const entries: RawEntry[] = [];
  const settingsPath = path.join(root, LAYOUT.settings);
  if (fs.existsSync(settingsPath)) entries.push(readEntry(realRoot, root, LAYOUT.settings));
  for (const dir of USER_DIRS) {
    const outside = folderLeavesRepo(realRoot, root, dir);
    if (outside) {
      entries.push(outside);
      continue;
    }
    let names: string[];
    try {
      names = fs.readdirSync(path.join(root, dir)).sort();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      if (code === 'ENOTDIR') {
        entries.push({ path: dir, problem: { code: 'file/not-a-directory', message: `${dir} is a file; expected a folder of ${dir} files` } });
        continue;
      }
      throw err;
    }
    for (const name of names) {
      if (isIgnoredName(name)) continue;
      entries.push(readEntry(realRoot, root, `${dir}/${name}`));
    }
  }
  return entries;
}

/** A user folder that is a symlink to a place outside the repository, as a problem; else undefined. */
function folderLeavesRepo(realRoot: string, root: string, dir: string): RawEntry | undefined {
  let real: string;
  try {
    if (!fs.lstatSync(path.join(root, dir)).isSymbolicLink()) return undefined;
    real = fs.realpathSync(path.join(root, dir));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && isSymlink(path.join(root, dir))) {
      return { path: dir, problem: { code: 'file/broken-symlink', message: `${dir} is a symlink whose target does not exist` } };
    }
    return undefined; // no such folder: nothing to read
  }
  if (real === realRoot || real.startsWith(realRoot + path.sep)) return undefined;
  return {
    path: dir,
    problem: {
      code: 'file/symlink-outside',
      message: `${dir} is a symlink to a folder outside the repository; expected a folder inside it`,
      hint: 'Move the files into the repository: the pipeline only reads what is reviewed in it, and nothing in this folder is read.',
    },
  };
}

function isSymlink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function readEntry(realRoot: string, root: string, rel: string): RawEntry {
  const abs = path.join(root, rel);
  let target = abs;
  const lst = fs.lstatSync(abs);
  if (lst.isSymbolicLink()) {
    let real: string;
    try {
      real = fs.realpathSync(abs);
    } catch {
      return { path: rel, problem: { code: 'file/broken-symlink', message: `${rel} is a symlink whose target does not exist` } };
    }
    const inside = real === realRoot || real.startsWith(realRoot + path.sep);
    if (!inside) {
      return {
        path: rel,
        problem: {
          code: 'file/symlink-outside',
          message: `${rel} is a symlink to a path outside the repository; expected a file inside it`,
          hint: 'Copy the file into the repository: the pipeline only reads what is reviewed in it.',
        },
      };
    }
    target = real;
  }
  const st = fs.statSync(target);
  if (st.isDirectory()) {
    return {
      path: rel,
      problem: {
        code: 'file/not-a-file',
        message: `${rel} is a directory; expected a file (Prism reads each user folder one level deep)`,
        hint: 'Move its files up into the parent folder, or remove it.',
      },
    };
  }
  if (!st.isFile()) {
    return { path: rel, problem: { code: 'file/not-a-file', message: `${rel} is not a regular file` } };
  }
  if (st.size > MAX_FILE_BYTES) {
    return {
      path: rel,
      problem: {
        code: 'file/too-large',
        message: `${rel} is ${st.size.toLocaleString('en-US')} bytes; Prism reads user files of at most ${MAX_FILE_BYTES.toLocaleString('en-US')} bytes`,
        hint: 'An IAM policy is at most 6,144 characters; check that the right file was committed.',
      },
    };
  }
  return { path: rel, bytes: fs.readFileSync(target) };
}
