/**
 * Resource ARNs. Forbids, for example, `"arn:aws:s3:::bucket:extra:"` (no resource type has that
 * shape), `"arn:aws:s3"` (fields missing), `"arn:aws-cn-north:..."` (no such partition),
 * `"arn:aws:iam:us-east-1:111122223333:role/x"` (IAM ARNs have no region),
 * `"arn:aws:s3::111122223333:bucket"` (S3 bucket ARNs have no account), and
 * `{"Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket"}`: GetObject acts on objects
 * (`bucket/*`), so the statement grants nothing.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
import { ArnFields, ArnMatch, isPattern, PARTITIONS, REGION_SHAPE, splitArn } from '../arn';
import { IamCatalog } from '../iam-catalog';
import { FileReporter, child, show } from '../rule-context';

/** One problem with an ARN's shape. */
interface ShapeProblem {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
}

/** What is wrong with an ARN's fields, found without the catalog; empty when well formed. */
export function arnShapeProblems(arn: string): ShapeProblem[] {
  const f = splitArn(arn);
  if ('missing' in f) {
    return [
      {
        code: 'iam/arn-missing-field',
        message: `resource ${show(arn)} has ${6 - f.missing} of the 6 ARN fields; expected arn:partition:service:region:account:resource, e.g. "arn:aws:s3:::my-bucket/*"`,
        hint: 'Empty fields keep their colons: an S3 bucket is arn:aws:s3:::my-bucket.',
      },
    ];
  }
  const out: ShapeProblem[] = [];
  if (!isPattern(f.partition) && !PARTITIONS.includes(f.partition)) {
    out.push({
      code: 'iam/arn-partition',
      message: `resource ${show(arn)} has partition ${show(f.partition)}; expected one of ${PARTITIONS.join(', ')}`,
      hint: f.partition.toLowerCase() === 'aws' ? 'Partitions are lower case: aws.' : 'The partition is aws for commercial regions, aws-cn for China, aws-us-gov for GovCloud; the region goes in the fourth field.',
    });
  }
  if (f.service === '') out.push({ code: 'iam/arn-missing-field', message: `resource ${show(arn)} has no service; expected e.g. "s3" in arn:aws:s3:::my-bucket`, hint: 'Write the service prefix in the third field.' });
  else if (!isPattern(f.service) && f.service !== f.service.toLowerCase()) {
    out.push({
      code: 'iam/arn-service-case',
      message: `resource ${show(arn)} has service ${show(f.service)}; service names in ARNs are lower case (${show(f.service.toLowerCase())})`,
      hint: 'ARNs are matched case-sensitively, so this one matches nothing. Write the service in lower case.',
    });
  }
  if (f.region !== '' && !isPattern(f.region) && !REGION_SHAPE.test(f.region)) {
    out.push({
      code: 'iam/arn-region',
      message: `resource ${show(arn)} has region ${show(f.region)}; expected a region such as "us-east-1", "*", or nothing`,
      hint: 'Regions look like us-east-1 or eu-west-2; an ARN with another region matches nothing.',
    });
  }
  if (f.account !== '' && !isPattern(f.account) && !/^[0-9]{12}$/.test(f.account) && f.account !== 'aws') {
    out.push({
      code: 'iam/arn-account',
      message: `resource ${show(arn)} has account ${show(f.account)}; expected a 12-digit account ID, "*", or nothing`,
      hint: /^[0-9]+$/.test(f.account) ? `An account ID has exactly 12 digits; this has ${f.account.length}. Quote it in YAML, so leading zeros stay.` : 'Write the 12-digit account ID, * for any, or nothing where the service has none.',
    });
  }
  return out;
}

/** Reports the shape problems of one ARN (no catalog needed). */
export function checkArnShape(r: FileReporter, arn: string, p: string): void {
  for (const problem of arnShapeProblems(arn)) r.error(problem.code, p, problem.message, { hint: problem.hint });
}

/** What the catalog says about the resources of one statement. */
export interface StatementResources {
  /** ARNs that fit no format of their service (region, account or resource part). */
  readonly misfits: { readonly arn: string; readonly pointer: string; readonly match: Exclude<ArnMatch, { kind: 'ok' | 'unknown-service' }> }[];
  /** ARNs that fit no resource type of the statement's actions, when those are known. */
  readonly mismatch?: { readonly unusable: readonly [string, string][]; readonly nothing: boolean; readonly types: ReadonlySet<number>; readonly actions: readonly string[] };
}

/** Compares one statement's resources with the catalog (pure; shared with the build-time calibration). */
export function statementResources(catalog: IamCatalog, st: Record<string, unknown>, sp: string): StatementResources {
  const resourceKey = 'Resource' in st ? 'Resource' : 'NotResource' in st ? 'NotResource' : undefined;
  if (!resourceKey) return { misfits: [] };
  const value = st[resourceKey];
  const list = Array.isArray(value) ? value : [value];
  const pointer = (i: number) => (Array.isArray(value) ? child(child(sp, resourceKey), i) : child(sp, resourceKey));
  const misfits: StatementResources['misfits'][number][] = [];
  const usable: [string, number, readonly number[]][] = [];
  for (let i = 0; i < list.length; i++) {
    const arn = list[i];
    // malformed ARNs: the grammar rule reports them
    if (typeof arn !== 'string' || !arn.startsWith('arn:') || arnShapeProblems(arn).length > 0) continue;
    const match = catalog.matchArn(arn);
    if (match.kind === 'ok') usable.push([arn, i, match.ids]);
    else if (match.kind !== 'unknown-service') misfits.push({ arn, pointer: pointer(i), match });
  }
  if (resourceKey !== 'Resource' || !('Action' in st) || usable.length === 0) return { misfits };
  const actions = Array.isArray(st.Action) ? st.Action : [st.Action];
  if (!actions.every((a): a is string => typeof a === 'string')) return { misfits };
  const types = new Set<number>();
  for (const a of actions) {
    const t = catalog.resourceTypes(a);
    // *, an action the catalog does not describe, or one without resource-level permissions: IAM
    // evaluates some of those (iam:ListRoles, s3:ListAllMyBuckets) against an ARN anyway
    if (t === 'any' || t.size === 0) return { misfits };
    for (const id of t) types.add(id);
  }
  const unusable = usable.filter(([, , ids]) => !ids.some((id) => types.has(id))).map(([arn, i]) => [arn, pointer(i)] as [string, string]);
  if (unusable.length === 0) return { misfits };
  // the statement grants (or denies) nothing at all only when no resource fits any action
  return { misfits, mismatch: { unusable, nothing: unusable.length === list.length, types, actions } };
}

const ARN_RULES: Record<Exclude<ArnMatch['kind'], 'ok' | 'unknown-service'>, { code: string; what: (f: ArnFields, formats: string) => string; hint: string }> = {
  'region-not-allowed': {
    code: 'iam/arn-region-not-allowed',
    what: (f, formats) => `has region ${show(f.region)}, but ${show(f.service)} ARNs of this shape have no region (${formats}), so it matches nothing`,
    hint: 'Leave the region field empty, keeping its colons.',
  },
  'region-missing': {
    code: 'iam/arn-region',
    what: (f, formats) => `has no region, but ${show(f.service)} ARNs of this shape have one (${formats}), so it matches nothing`,
    hint: 'Write the region, or * for any region.',
  },
  'account-not-allowed': {
    code: 'iam/arn-account-not-allowed',
    what: (f, formats) => `has account ${show(f.account)}, but ${show(f.service)} ARNs of this shape have no account (${formats}), so it matches nothing`,
    hint: 'Leave the account field empty, keeping its colons. To limit to an account, use the aws:ResourceAccount condition key.',
  },
  'account-missing': {
    code: 'iam/arn-account',
    what: (f, formats) => `has no account, but ${show(f.service)} ARNs of this shape have one (${formats}), so it matches nothing`,
    hint: 'Write the 12-digit account ID, or * for any account.',
  },
  'no-resource-type': {
    code: 'iam/arn-resource',
    what: (f, formats) => `matches no resource type of ${show(f.service)}; expected a shape such as ${formats}`,
    hint: 'Check the separators (/ or :), extra colons, and the resource type name in the Service Authorization Reference.',
  },
};

const formatList = (fs: readonly string[]) => fs.slice(0, 3).map((x) => x.replace('${Partition}', 'aws')).join(', ') + (fs.length > 3 ? ', ...' : '');

/**
 * Checks every resource ARN against the catalog's formats for its service (region and account
 * allowed or required, a resource type of that shape), and against the statement's actions. Where
 * AWS's own managed policies contradict the catalog for the same service (or action), the catalog
 * is known to be incomplete there, and the finding is a warning instead of an error.
 */
export function checkStatementResources(r: FileReporter, st: Record<string, unknown>, sp: string, catalog: IamCatalog): void {
  const evidence = catalog.index.evidence;
    const { misfits, mismatch } = statementResources(catalog, st, sp);
  for (const { arn, pointer, match } of misfits) {
    const f = splitArn(arn) as ArnFields;
    const rule = ARN_RULES[match.kind];
    const seen = evidence.arns[`${match.kind} ${f.service}`];
    // a resource type the catalog has never heard of may simply be newer than the catalog
    const newType = match.kind === 'no-resource-type' && !match.knownType;
    const why = seen
      ? ` The catalog may be incomplete for ${f.service}: AWS's own managed policy ${seen} has such an ARN.`
      : newType
        ? ` ${catalog.catalogName} knows no resource type ${show(f.resource.split(/[/:*?$]/)[0])} for ${f.service}; if AWS added one since, the ARN may be right.`
        : '';
    r.report(seen || newType ? 'warning' : 'error', rule.code, pointer, `resource ${show(arn)} ${rule.what(f, formatList(match.formats))}`, { hint: rule.hint + why });
  }
  if (!mismatch) return;
  const { unusable, nothing, types, actions } = mismatch;
  const seenFor = (arn: string) => actions.map((a) => evidence.mismatch[`${a.toLowerCase()} ${(splitArn(arn) as ArnFields).service}`]).find((x) => x);
  // the catalog proves "grants nothing" only where AWS's own policies never contradict it
  const proven = nothing && unusable.every(([arn]) => !seenFor(arn));
  const verb = st.Effect === 'Deny' ? 'denies' : 'grants';
  const acts = actions.slice(0, 3).join(', ') + (actions.length > 3 ? ', ...' : '');
  const expected = [...types].slice(0, 3).map((id) => show(catalog.arnFormat(id).replace('${Partition}', 'aws')));
  const s3Objects = [...types].some((id) => catalog.arnFormat(id).endsWith(':s3:::${BucketName}/${ObjectName}'));
  for (const [arn, p] of unusable) {
    const seen = seenFor(arn);
    const what = proven ? `the statement ${verb} nothing` : seen ? `AWS's own managed policy ${seen} does the same, so the catalog may be incomplete here` : `this entry ${verb} nothing`;
    r.report(proven ? 'error' : 'warning', 'iam/resource-mismatch', p, `resource ${show(arn)} matches no resource type of ${acts}; ${what}`, {
      hint: `These actions act on ${expected.join(', ')}${types.size > 3 ? ', ...' : ''}.${s3Objects ? ' For S3 objects write arn:aws:s3:::bucket/*.' : ''}`,
    });
  }
}
