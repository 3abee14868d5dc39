/**
 * Grants that deserve a second look (warnings, not errors). Flags, for example, `{"Effect":"Allow",
 * "Action":"iam:PassRole","Resource":"*"}`: whoever holds it can hand any role to a service.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
 * @see https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/
 */
import { IamCatalog } from '../iam-catalog';
import { FileReporter, show } from '../rule-context';

/** Actions that let a principal give itself (or others) more permissions when allowed on `*`. */
export const ESCALATION_ACTIONS = [
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:AttachRolePolicy',
  'iam:AttachUserPolicy',
  'iam:AttachGroupPolicy',
  'iam:PutRolePolicy',
  'iam:PutUserPolicy',
  'iam:PutGroupPolicy',
  'iam:UpdateAssumeRolePolicy',
  'iam:AddUserToGroup',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteUserPermissionsBoundary',
];

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/** Warns on risky grants in an Allow statement, at the statement. */
export function checkStatementRiskyGrants(r: FileReporter, st: Record<string, unknown>, p: string, catalog: IamCatalog): void {
  if (st.Effect !== 'Allow') return;
  if ('NotAction' in st) {
    r.warning('risk/allow-not-action', p, `statement allows everything except ${show(st.NotAction)}: it grants every action AWS adds in future, too`, {
      hint: 'List the actions to allow instead, or use NotAction only with "Effect": "Deny".',
    });
    return;
  }
  const anyResource = 'NotResource' in st || strings(st.Resource).includes('*');
  if (!anyResource) return;
  const actions = strings(st.Action);
  const full = actions.filter((a) => a === '*' || /^[A-Za-z0-9-]+:\*$/.test(a));
  if (full.length) {
    r.warning('risk/full-access', p, `statement allows ${full.map((a) => show(a)).join(', ')} on every resource: ${full.includes('*') ? 'administrator access' : 'full control of the service'}`, {
      hint: 'Grant the actions the team needs, on the resources it owns.',
    });
    if (full.includes('*') || full.some((a) => a.toLowerCase() === 'iam:*')) return; // the rest is implied
  }
  // pass-role and escalation are IAM actions: only IAM patterns can grant them (* returned above)
  const iam = actions.filter((a) => a.length > 4 && a.slice(0, 4).toLowerCase() === 'iam:');
  if (iam.length === 0) return;
  const granted = new Set(iam.flatMap((a) => catalog.expand(a)).map((a) => a.toLowerCase()));
  if (granted.has('iam:passrole')) {
    r.warning('risk/pass-role', p, 'statement allows iam:PassRole on every resource: it can hand any role, including administrator roles, to a service', {
      hint: 'Limit Resource to the roles meant to be passed, and add an iam:PassedToService condition.',
    });
  }
  const escalation = ESCALATION_ACTIONS.filter((a) => granted.has(a.toLowerCase()));
  if (escalation.length) {
    r.warning('risk/privilege-escalation', p, `statement allows ${escalation.join(', ')} on every resource: a known privilege-escalation path (whoever holds it can grant itself more)`, {
      hint: 'Limit Resource to specific policies, roles or users, or move these actions to a separate, tightly held permission set.',
    });
  }
}
