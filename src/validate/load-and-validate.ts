import * as fs from 'node:fs';
import { usageError } from '../core/errors';
import { LoadedRepo, parseRepo } from '../load/parse-repo';
import { readRepoFromDisk } from '../load/read-repo';
import { validateRepo, ValidationResult } from './validate';

/** A validated repository and how many files were checked. */
export interface CheckedRepo extends ValidationResult {
}

/** Reads a repository from disk and validates it. Throws a usage error when `dir` is not a folder. */
export function loadAndValidate(dir: string): CheckedRepo {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw usageError(`--dir ${dir} is not a folder`);
  const loaded = parseRepo(readRepoFromDisk(dir));
  return validateRepo(loaded);
}
