import * as fs from 'node:fs';
import { usageError } from '../core/errors';
import { parseRepo } from '../load/parse-repo';
import { readRepoFromDisk } from '../load/read-repo';
import { validateRepo, ValidationResult } from './validate';

/** Reads a repository from disk and validates it. Throws a usage error when `dir` is not a folder. */
export function loadAndValidate(dir: string): ValidationResult {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw usageError(`--dir ${dir} is not a folder`);
  return validateRepo(parseRepo(readRepoFromDisk(dir)));
}
