/**
 * What an assignment names besides account IDs: organizational units, accounts excluded from them,
 * and, in Identity Center mode, the groups and users who get the permission set. Forbids, for
 * example, an assignment with neither `accounts` nor `organizationalUnits`, `principals` missing in
 * identity-center mode, or `organizationalUnits: [ou-ab12-cdef3456]` with no account set in
 * cdktf.json to read AWS Organizations from.
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html
 * @see https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreateAccountAssignment.html
 */
import { Settings } from '../../core/settings';
import { OrganizationalUnitRef, Principal } from '../../model/types';
import { FileReporter, child, show } from '../rule-context';

/** The parts of an assignment this rule reads. */
export interface AssignmentTargets {
  readonly organizationalUnits: OrganizationalUnitRef[];
  readonly excludeAccounts: string[];
  readonly principals: Principal[];
}

const UNIT = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
const PRINCIPAL_KEYS: Record<string, { type: Principal['type']; by: 'name' | 'id' }> = {
  group: { type: 'GROUP', by: 'name' },
  user: { type: 'USER', by: 'name' },
  groupId: { type: 'GROUP', by: 'id' },
  userId: { type: 'USER', by: 'id' },
};

/** A principal as text, for messages and duplicate checks: `group Developers`, `userId 9067...`. */
export function describePrincipal(p: Principal): string {
  return `${p.type === 'GROUP' ? 'group' : 'user'}${p.id !== undefined ? 'Id' : ''} ${p.id ?? p.name}`;
}

/** Checks an assignment's organizational units, exclusions and principals and returns them typed. */
export function checkAssignmentTargets(r: FileReporter, settings: Settings): AssignmentTargets {
  const raw = (r.file.value ?? {}) as Record<string, unknown>;
  const list = (key: string): unknown[] => (Array.isArray(raw[key]) ? (raw[key] as unknown[]) : []);

  // targets: account IDs, organizational units, or both
  if (raw.accounts === undefined && raw.organizationalUnits === undefined && typeof raw === 'object' && !Array.isArray(raw)) {
    r.error('schema/missing-key', '', 'assignment has no "accounts" and no "organizationalUnits"; one of them is required', {
      hint: 'List account IDs under accounts, or organizational unit IDs (ou-...) under organizationalUnits.',
    });
  }

  // organizational units
  const organizationalUnits: OrganizationalUnitRef[] = [];
  list('organizationalUnits').forEach((u, i) => {
    const p = child('/organizationalUnits', i);
    if (typeof u !== 'string' || !UNIT.test(u)) return; // the schema's error
    if (organizationalUnits.some((o) => o.id === u)) {
      r.warning('assignment/duplicate-unit', p, `organizational unit ${show(u)} is listed twice; the duplicate has no effect`);
      return;
    }
    organizationalUnits.push({ id: u, location: r.file.locate(p) });
  });
  if (organizationalUnits.length && !settings.organizations.account) {
    r.error('assignment/organizations-account', '/organizationalUnits', 'organizationalUnits needs an account to read AWS Organizations from, and cdktf.json names none', {
      at: 'key',
      hint: 'Set organizations.account (the management account or a delegated administrator) in context.prism of cdktf.json; in identity-center mode identityCenter.account is used.',
    });
  }

  // exclusions
  const excludeAccounts: string[] = [];
  list('excludeAccounts').forEach((a, i) => {
    const p = child('/excludeAccounts', i);
    if (typeof a === 'number') {
      r.error('assignment/account-id', p, `account ID ${a} is a number; expected a 12-digit string in quotes`, { hint: `Write it as '${String(a).padStart(12, '0')}': unquoted, YAML drops leading zeros.` });
      return;
    }
    if (typeof a !== 'string' || !/^[0-9]{12}$/.test(a)) {
      r.error('assignment/account-id', p, `account ID ${show(a)} is not 12 digits; expected e.g. "123456789012"`);
      return;
    }
    if (!excludeAccounts.includes(a)) excludeAccounts.push(a);
  });
  if (list('excludeAccounts').length && raw.organizationalUnits === undefined) {
    r.warning('assignment/exclude-without-units', '/excludeAccounts', 'excludeAccounts has no effect without organizationalUnits: it only removes accounts that an organizational unit brings in', {
      at: 'key',
      hint: 'Remove the account from accounts instead.',
    });
  }

  // principals: who gets the permission set in Identity Center mode
  const principals: Principal[] = [];
  const seen = new Set<string>();
  list('principals').forEach((item, i) => {
    const p = child('/principals', i);
    if (!item || typeof item !== 'object' || Array.isArray(item)) return; // the schema's error
    const keys = Object.keys(item).filter((k) => k in PRINCIPAL_KEYS);
    if (keys.length !== 1) return; // the schema's error
    const value = (item as Record<string, unknown>)[keys[0]];
    if (typeof value !== 'string' || !value) return;
    const { type, by } = PRINCIPAL_KEYS[keys[0]];
    const principal: Principal = by === 'name' ? { type, name: value } : { type, id: value };
    const key = describePrincipal(principal);
    if (seen.has(key)) {
      r.warning('assignment/duplicate-principal', p, `${key} is listed twice; the duplicate has no effect`);
      return;
    }
    seen.add(key);
    principals.push(principal);
  });
  if (settings.mode === 'identity-center') {
    if (principals.length === 0 && !Array.isArray(raw.principals)) {
      r.error('assignment/no-principals', '/permissionSet', 'in identity-center mode an assignment needs principals: the groups or users who get the permission set in these accounts', {
        at: 'key',
        hint: 'Add principals: [{group: <display name>}] (or user, groupId, userId).',
      });
    }
  } else if (raw.principals !== undefined) {
    r.warning('assignment/principals-ignored', '/principals', 'principals apply only in identity-center mode; in roles mode every assigned account gets an IAM role and no principal is assigned', {
      at: 'key',
      hint: 'Keep them if you are migrating: they take effect when context.prism.mode is identity-center (README: "Migrating from roles to Identity Center").',
    });
  }

  return { organizationalUnits, excludeAccounts, principals };
}
