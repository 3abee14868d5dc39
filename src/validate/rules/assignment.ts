/**
 * Assignments of a permission set to accounts. Forbids, for example, `accounts: [12345678901]`
 * (11 digits, and unquoted so YAML reads a number), or `permissionSet: Admin` with no
 * permission-sets/Admin.yaml. Warns on an account listed twice.
 */
import { ParsedFile } from '../../load/parsed-file';
import { Assignment } from '../../model/types';
import { FileReporter, child, didYouMean, show } from '../rule-context';

/** Checks an assignment; `seen` carries permission set + account pairs across files, with where each was first listed. */
export function checkAssignment(
  r: FileReporter,
  permissionSetNames: ReadonlySet<string>,
  seen: Map<string, { file: ParsedFile; pointer: string }>,
): Assignment {
  const raw = (r.file.value ?? {}) as { permissionSet?: string; accounts?: unknown[] };
  const ps = typeof raw.permissionSet === 'string' ? raw.permissionSet : '';
  if (ps && !permissionSetNames.has(ps)) {
    const guess = didYouMean(ps, permissionSetNames);
    r.error('ref/unknown-permission-set', '/permissionSet', `permission set ${show(ps)} does not exist; expected the name of a file in permission-sets/ (permission-sets/${ps}.yaml)`, {
      hint: guess ? `Did you mean ${show(guess)}?` : undefined,
    });
  }
  const accounts: string[] = [];
  (Array.isArray(raw.accounts) ? raw.accounts : []).forEach((a, i) => {
    const p = child('/accounts', i);
    if (typeof a === 'number') {
      r.error('assignment/account-id', p, `account ID ${a} is a number; expected a 12-digit string in quotes`, {
        hint: `Write it as '${String(a).padStart(12, '0')}': unquoted, YAML drops leading zeros.`,
      });
      return;
    }
    if (typeof a !== 'string' || !/^[0-9]{12}$/.test(a)) {
      r.error('assignment/account-id', p, `account ID ${show(a)} is not 12 digits; expected e.g. "123456789012"`);
      return;
    }
    const key = `${ps}\u0000${a}`;
    const first = seen.get(key);
    if (first) {
      const loc = first.file.locate(first.pointer);
      r.warning('assignment/duplicate-account', p, `account ${a} already gets permission set ${show(ps)} (${loc.file}:${loc.line}); the duplicate has no effect`);
      return;
    }
    seen.set(key, { file: r.file, pointer: p });
    accounts.push(a);
  });
  return { file: r.file.path, permissionSet: ps, accounts };
}
