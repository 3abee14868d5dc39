/**
 * Names of customer managed policies and permission sets. Forbids, for example, a policy file
 * `policies/S3 Read.json` (space), `policies/readonly.json` next to `policies/ReadOnly.json`
 * (IAM names are case-insensitive), or a permission-set name that makes a role name over 64 characters.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names
 */
import { Diagnostic } from '../../core/diagnostics';

/** IAM name characters. */
export const NAME_PATTERN = /^[A-Za-z0-9+=,.@_-]+$/;
/** 128 (IAM policy name limit) minus the 6 characters of `Prism-`. */
export const MAX_POLICY_NAME = 122;

/** The name a file in a user folder defines: `policies/Foo.json` -> `Foo`. */
export function nameFromPath(path: string): string {
  const base = path.split('/').pop()!;
  return base.replace(/\.meta\.yaml$/, '').replace(/\.(json|ya?ml)$/, '');
}

/** Checks one name's characters and length. `what` is "policy" or "permission set". */
export function checkName(file: string, name: string, what: string, maxLength: number, limitWhy: string): Diagnostic[] {
  const location = { file, line: 1, column: 1 };
  const out: Diagnostic[] = [];
  if (!NAME_PATTERN.test(name)) {
    const bad = [...name].find((c) => !NAME_PATTERN.test(c)) ?? '';
    out.push({
      code: 'name/invalid',
      severity: 'error',
      message: `${what} name ${JSON.stringify(name)} contains ${JSON.stringify(bad)}; expected only A-Z a-z 0-9 and + = , . @ _ -`,
      location,
      hint: 'Rename the file: its name is the name in IAM.',
    });
  }
  if (name.length > maxLength) {
    out.push({
      code: 'name/too-long',
      severity: 'error',
      message: `${what} name ${JSON.stringify(name)} has ${name.length} characters; at most ${maxLength} are allowed (${limitWhy})`,
      location,
    });
  }
  return out;
}

/** Reports names that differ only by case: IAM would treat them as the same. */
export function checkCaseCollisions(entries: readonly { name: string; file: string }[], what: string): Diagnostic[] {
  const seen = new Map<string, string>();
  const out: Diagnostic[] = [];
  for (const e of [...entries].sort((a, b) => (a.file < b.file ? -1 : 1))) {
    const key = e.name.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      out.push({
        code: 'name/duplicate',
        severity: 'error',
        message: `${what} name ${JSON.stringify(e.name)} collides with ${first}; IAM names are case-insensitive`,
        location: { file: e.file, line: 1, column: 1 },
        hint: 'Rename one of the two files.',
      });
    } else seen.set(key, e.file);
  }
  return out;
}
