/**
 * The fingerprint of what a reviewer reviewed: every user file Prism reads (policies/,
 * permission-sets/, assignments/ and cdktf.json), by path and content. The preview prints it;
 * apply computes it again on the merged commit, so "what was reviewed is what is applied" is a
 * comparison of two hashes: equal files give equal desired states, whatever else the merge touched.
 */
import { createHash } from 'node:crypto';
import { RawEntry } from './parsed-file';

/** sha256 (hex) of every entry's path and bytes (or the reason it could not be read), in path order. */
export function contentFingerprint(entries: readonly RawEntry[]): string {
  const hash = createHash('sha256').update('prism-content-v1\n');
  for (const e of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const body = 'bytes' in e ? createHash('sha256').update(e.bytes).digest('hex') : `problem:${e.problem.code}`;
    hash.update(`${e.path}\0${body}\n`);
  }
  return hash.digest('hex');
}
