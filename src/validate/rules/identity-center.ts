/**
 * What IAM Identity Center allows in a permission set, beyond what an IAM role allows. Forbids, for
 * example, a permission set named `PlatformAdministratorsForProductionAccounts` (IdC names are at
 * most 32 characters), or a description of 800 characters (IdC allows 700). Warns on `trustPolicy`,
 * which has no effect: IAM Identity Center makes the role and its trust policy.
 * @see https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreatePermissionSet.html
 */
import { identityCenterPermissionSetName, Settings } from '../../core/settings';
import { FileReporter, show } from '../rule-context';

/** The longest permission set name and description IAM Identity Center accepts. */
export const IDC_NAME_MAX = 32;
export const IDC_DESCRIPTION_MAX = 700;

/** Checks a permission set against IAM Identity Center's limits (identity-center mode only). */
export function checkIdentityCenterPermissionSet(r: FileReporter, name: string, settings: Settings): void {
  const raw = (r.file.value ?? {}) as Record<string, unknown>;
  const idcName = identityCenterPermissionSetName(settings, name);
  if (idcName.length > IDC_NAME_MAX || !/^[\w+=,.@-]+$/.test(idcName)) {
    r.error('identity-center/permission-set-name', '', `the IAM Identity Center permission set name ${show(idcName)} has ${idcName.length} characters; IAM Identity Center allows 1 to ${IDC_NAME_MAX} from A-Z a-z 0-9 + = , . @ _ -`, {
      hint: 'Rename the file, or shorten identityCenter.namePattern in cdktf.json.',
    });
  }
  if (typeof raw.description === 'string' && raw.description.length > IDC_DESCRIPTION_MAX) {
    r.error('identity-center/description', '/description', `description has ${raw.description.length} characters; an IAM Identity Center permission set's description is at most ${IDC_DESCRIPTION_MAX}`);
  }
  if (raw.trustPolicy !== undefined) {
    r.warning('identity-center/ignored-key', '/trustPolicy', 'trustPolicy has no effect in identity-center mode: IAM Identity Center makes the AWSReservedSSO_* role and its trust policy', {
      at: 'key',
      hint: 'Remove it once the migration from roles mode is done; it is kept for roles mode.',
    });
  }
}
