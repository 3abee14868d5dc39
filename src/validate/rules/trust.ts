/**
 * Trust policies (who may assume a role). Forbids, for example, `"Action": "s3:GetObject"` (a trust
 * policy grants only the sts:AssumeRole family), a `Resource` (IAM rejects it), a malformed
 * principal such as `{"AWS": "arn:aws:iam::12345678901:root"}` (11 digits), and
 * `{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}` with no condition
 * that limits who: any AWS account in the world could assume the role. That last one is allowed
 * only with an acknowledgement (`acknowledge: {trust/any-account: <why>}`), which turns it into a
 * warning that every validation repeats.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
import { actionPattern } from '../iam-catalog';
import { FileReporter, child, didYouMean, show } from '../rule-context';
import { forEachStatement } from './actions';
import { parseOperator } from './conditions';

/** The actions a role trust policy may allow. */
export const TRUST_ACTIONS = ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity', 'sts:SetContext'];

const PRINCIPAL_KEYS = ['AWS', 'Service', 'Federated', 'CanonicalUser'];
const ACCOUNT = /^([0-9]{12}|\{account\})$/;
const AWS_PRINCIPAL_ARN = /^arn:aws[a-z-]*:(iam::([0-9]{12}|\{account\}):(root|user\/.+|role\/.+|federated-user\/.+)|sts::([0-9]{12}|\{account\}):(assumed-role\/.+|federated-user\/.+))$/;
const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.(amazonaws\.com(\.cn)?|amazon\.com|c2s\.ic\.gov|sc2s\.sgov\.gov)$/;
const FEDERATED = /^(arn:aws[a-z-]*:iam::([0-9]{12}|\{account\}):(saml-provider|oidc-provider)\/.+|cognito-identity\.amazonaws\.com|www\.amazon\.com|graph\.facebook\.com|accounts\.google\.com)$/;

/** Grammar of a trust policy statement beyond the identity-policy rules: principal, actions, no Resource. */
export function checkTrustStatement(r: FileReporter, st: Record<string, unknown>, p: string): void {
  for (const key of ['Resource', 'NotResource']) {
    if (key in st) {
      r.error('iam/trust-resource', child(p, key), `a trust policy statement has ${key}; IAM rejects it (the resource is the role itself)`, { at: 'key', hint: `Remove ${key}.` });
    }
  }
  if ('Action' in st) {
    const list = Array.isArray(st.Action) ? st.Action.map((a, i) => [a, child(child(p, 'Action'), i)] as const) : [[st.Action, child(p, 'Action')] as const];
    for (const [a, ap] of list) {
      if (typeof a !== 'string' || a === '*') continue;
      const fits = /[*?]/.test(a) ? TRUST_ACTIONS.some((t) => actionPattern(a).test(t)) : TRUST_ACTIONS.some((t) => t.toLowerCase() === a.toLowerCase());
      if (!fits) {
        r.error('iam/trust-action', ap, `trust policy allows ${show(a)}; a trust policy takes only ${TRUST_ACTIONS.join(', ')}`, {
          hint: 'IAM rejects any other action here. Grant permissions in the role\'s policies (customerManagedPolicies, inlinePolicy) instead.',
        });
      }
    }
  }
  for (const key of ['Principal', 'NotPrincipal']) if (key in st) checkPrincipal(r, st[key], child(p, key));
}

function checkPrincipal(r: FileReporter, v: unknown, p: string): void {
  if (v === '*') return;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    r.error('iam/principal-format', p, `Principal is ${show(v)}; expected "*" or an object with AWS, Service, Federated or CanonicalUser`, {
      hint: 'For example {"AWS": "arn:aws:iam::111122223333:root"} or {"Service": "ec2.amazonaws.com"}.',
    });
    return;
  }
  for (const [key, value] of Object.entries(v)) {
    const kp = child(p, key);
    if (!PRINCIPAL_KEYS.includes(key)) {
      const guess = didYouMean(key, PRINCIPAL_KEYS);
      r.error('iam/principal-format', kp, `principal type ${show(key)} does not exist; expected AWS, Service, Federated or CanonicalUser`, { at: 'key', hint: guess ? `Did you mean ${show(guess)}? IAM rejects the policy otherwise.` : 'IAM rejects the policy otherwise.' });
      continue;
    }
    const list = Array.isArray(value) ? value.map((x, i) => [x, child(kp, i)] as const) : [[value, kp] as const];
    if (Array.isArray(value) && value.length === 0) r.error('iam/principal-format', kp, `${key} principal is an empty list; expected at least one principal`, { hint: `Name a principal, or remove ${key}.` });
    for (const [x, xp] of list) {
      if (typeof x !== 'string') {
        r.error('iam/principal-format', xp, `${key} principal is ${show(x)}; expected a string`, { hint: 'Write the principal as a string, or a list of strings.' });
        continue;
      }
      const problem = principalProblem(key, x);
      if (problem) r.error('iam/principal-format', xp, `${key} principal ${show(x)} ${problem.found}; expected ${problem.expected}`, { hint: problem.hint ?? 'IAM rejects a policy with an invalid principal, so the role could not be created or updated.' });
    }
  }
}

function principalProblem(type: string, v: string): { found: string; expected: string; hint?: string } | undefined {
  switch (type) {
    case 'AWS':
      if (v === '*') return undefined;
      if (v.includes('*') || v.includes('?')) {
        return { found: 'has a wildcard', expected: '"*" alone, an account ID or an exact ARN', hint: 'IAM rejects wildcards inside principal ARNs. Use "*" with an aws:PrincipalArn condition (ArnLike) instead.' };
      }
      if (ACCOUNT.test(v) || AWS_PRINCIPAL_ARN.test(v)) return undefined;
      if (/^[0-9]+$/.test(v)) return { found: `has ${v.length} digits`, expected: 'a 12-digit account ID' };
      return { found: 'is not an account ID or an IAM principal ARN', expected: 'e.g. "111122223333", "arn:aws:iam::111122223333:root" or "arn:aws:iam::111122223333:role/Name"' };
    case 'Service':
      return SERVICE_PRINCIPAL.test(v) ? undefined : { found: 'is not a service principal', expected: 'e.g. "ec2.amazonaws.com"' };
    case 'Federated':
      return FEDERATED.test(v) ? undefined : { found: 'is not an identity provider', expected: 'a SAML or OIDC provider ARN, or cognito-identity.amazonaws.com, www.amazon.com, graph.facebook.com or accounts.google.com' };
    default:
      return undefined;
  }
}

/** Condition keys that tie a request to known accounts, organisations or a shared secret. */
export const LIMITING_KEYS = ['aws:PrincipalOrgID', 'aws:PrincipalOrgPaths', 'aws:PrincipalAccount', 'aws:PrincipalArn', 'aws:SourceAccount', 'aws:SourceArn', 'aws:SourceOrgID', 'aws:SourceOrgPaths', 'sts:ExternalId'];
const LIMITING = new Set(LIMITING_KEYS.map((k) => k.toLowerCase()));

/** Whether a Condition limits who can use the statement: a positive test of a limiting key, with a real value. */
export function limitsPrincipals(condition: unknown): boolean {
  if (!condition || typeof condition !== 'object' || Array.isArray(condition)) return false;
  for (const [op, block] of Object.entries(condition)) {
    const parsed = parseOperator(op);
    // a negated test, IfExists, or ForAllValues (true when the key is absent) limits nothing
    if (!parsed || parsed.ifExists || parsed.qualifier === 'ForAllValues' || /Not/.test(parsed.base) || !['String', 'Arn'].includes(parsed.family)) continue;
    if (!block || typeof block !== 'object' || Array.isArray(block)) continue;
    for (const [key, value] of Object.entries(block)) {
      if (!LIMITING.has(key.toLowerCase())) continue;
      const values = Array.isArray(value) ? value : [value];
      if (values.length > 0 && values.every((x) => typeof x === 'string' && x.replace(/[*?]/g, '') !== '')) return true;
    }
  }
  return false;
}

/** An acknowledgement of a diagnostic code, with where it is written. */
export interface Acknowledgement {
  readonly reason: string;
  /** Pointer of the acknowledgement's value, for the unused-acknowledgement warning. */
  readonly pointer: string;
}

/** The acknowledgement key of the any-account trust rule. */
export const ANY_ACCOUNT = 'trust/any-account';

/**
 * Reports Allow statements whose principal is any AWS account (`"*"` or `{"AWS": "*"}`) and whose
 * condition does not limit it: an error, or a warning carrying the reason when acknowledged. An
 * acknowledgement with nothing to acknowledge is a warning too, so it cannot outlive its reason.
 */
export function checkTrustAnyAccount(r: FileReporter, doc: unknown, base: string, ack: Acknowledgement | undefined): void {
  let found = false;
  forEachStatement(doc, base, (st, p) => {
    if (st.Effect !== 'Allow' || !('Principal' in st)) return;
    const principal = st.Principal;
    const aws = principal && typeof principal === 'object' && !Array.isArray(principal) ? (principal as Record<string, unknown>).AWS : undefined;
    const open = principal === '*' || aws === '*' || (Array.isArray(aws) && aws.includes('*'));
    if (!open || limitsPrincipals(st.Condition)) return;
    found = true;
    const where = principal === '*' ? child(p, 'Principal') : child(child(p, 'Principal'), 'AWS');
    const message = `trust policy lets any AWS account assume the role: the principal is ${principal === '*' ? '"*"' : '{"AWS": "*"}'} and no condition limits it`;
    const limit = `a condition on ${LIMITING_KEYS.slice(0, 3).join(', ')}, aws:SourceAccount or sts:ExternalId`;
    if (ack) {
      r.warning(ANY_ACCOUNT, where, `${message} (acknowledged: ${ack.reason})`, { hint: `Reviewers: check the reason. To remove the warning, name the accounts or add ${limit}.` });
    } else {
      r.error(ANY_ACCOUNT, where, message, {
        hint: `Name the accounts, or add ${limit}. If anyone really may assume it, say why under acknowledge: {${ANY_ACCOUNT}: <reason>} in the same file.`,
      });
    }
  });
  if (ack && !found) {
    r.warning('ack/unused', ack.pointer, `acknowledgement of ${ANY_ACCOUNT} is not needed: no statement of the trust policy lets any AWS account assume the role`, {
      at: 'key',
      hint: 'Remove the acknowledgement, so that it cannot silently cover a later change.',
    });
  }
}
