/** Where the repository is: the folder holding the user folders, found as git finds its root. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { usageError } from '../core/errors';
import { USER_DIRS } from '../load/layout';

/** Whether `dir` holds at least one of policies/, permission-sets/ and assignments/. */
export function isRepositoryRoot(dir: string): boolean {
  return USER_DIRS.some((d) => fs.existsSync(path.join(dir, d)));
}

const NOT_A_REPO_HINT = `A Prism repository has policies/, permission-sets/ and assignments/ at its root. Run prism there, pass --dir, or run prism example to see one.`;

/**
 * The repository a command works on. With `--dir`, that folder, which must hold a user folder.
 * Without, the current folder or the nearest folder above it that holds one (as git finds its
 * root). Anything else is a usage error: an empty folder is never taken for an empty organisation.
 */
export function findRepository(dirFlag: string | undefined, cwd: string = process.cwd()): string {
  if (dirFlag !== undefined) {
    const dir = path.resolve(cwd, dirFlag);
    if (!fs.existsSync(dir)) throw usageError(`--dir ${dirFlag} does not exist`);
    if (!fs.statSync(dir).isDirectory()) throw usageError(`--dir ${dirFlag} is not a folder`);
    if (!isRepositoryRoot(dir)) throw usageError(`--dir ${dirFlag} is not a Prism repository: it has none of ${USER_DIRS.map((d) => d + '/').join(', ')}`, NOT_A_REPO_HINT);
    return dir;
  }
  const start = path.resolve(cwd);
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (isRepositoryRoot(dir)) return dir;
    if (path.dirname(dir) === dir) break;
  }
  throw usageError(`${start} is not in a Prism repository: neither it nor any folder above it has ${USER_DIRS.map((d) => d + '/').join(', ').replace(/, ([^,]*)$/, ' or $1')}`, NOT_A_REPO_HINT);
}
