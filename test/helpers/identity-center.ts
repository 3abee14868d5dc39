import { FileMap } from './repo';
import { org } from './synth';

/** The management account and IdC instance of the identity-center fixtures. */
export const IDC = {
  account: '999999999999',
  instanceArn: 'arn:aws:sso:::instance/ssoins-abcdef0123456789',
  identityStoreId: 'd-0123456789',
} as const;

/** `org()` in identity-center mode: the same policies and permission sets, assignments with principals. */
export function idcOrg(extra: FileMap = {}): FileMap {
  const base = org();
  return {
    ...base,
    'cdktf.json': {
      context: {
        prism: {
          region: 'eu-west-1',
          mode: 'identity-center',
          identityCenter: { instanceArn: IDC.instanceArn, identityStoreId: IDC.identityStoreId, account: IDC.account, region: 'eu-central-1' },
          deployRole: { roleName: 'PrismDeploy', externalId: 'ext-1234', sessionName: 'prism-ci' },
        },
      },
    },
    'assignments/dev.yaml': 'permissionSet: Dev\naccounts:\n  - "111111111111"\n  - "222222222222"\nprincipals:\n  - group: Developers\n  - userId: 0123456789-abcdef01-2345-6789-abcd-ef0123456789\n',
    'assignments/ops.yaml': 'permissionSet: Ops\naccounts:\n  - "222222222222"\n  - "333333333333"\nprincipals:\n  - group: Operators\n',
    'assignments/finance.yaml': 'permissionSet: Finance\naccounts:\n  - "333333333333"\nprincipals:\n  - user: jane@example.com\n',
    ...extra,
  };
}
