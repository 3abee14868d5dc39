import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseRepo } from '../../src/load/parse-repo';
import { RawEntry } from '../../src/load/parsed-file';
import { validateRepo, ValidationResult } from '../../src/validate/validate';

/** File contents by repository-relative path. Objects are written as 2-space JSON. */
export type FileMap = Record<string, string | object>;

export function toText(content: string | object): string {
  return typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n';
}

/** Validates an in-memory repository through the same parse path as files on disk. */
export function validateFiles(files: FileMap): ValidationResult {
  const entries: RawEntry[] = Object.keys(files)
    .sort()
    .map((p) => ({ path: p, bytes: Buffer.from(toText(files[p])) }));
  return validateRepo(parseRepo(entries));
}

/** Writes files into a fresh temp directory and returns its path. */
export function writeRepo(files: FileMap, prefix = 'prism-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: FileMap): void {
  for (const [p, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), toText(content));
  }
}

/** The smallest valid organisation: one policy, one permission set, one account. */
export function minimalRepo(): FileMap {
  return {
    'policies/S3Read.json': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] },
    'permission-sets/Dev.yaml': 'customerManagedPolicies:\n  - S3Read\n',
    'assignments/dev.yaml': 'permissionSet: Dev\naccounts:\n  - "111111111111"\n',
  };
}
