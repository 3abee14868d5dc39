/**
 * ARNs in policies: splitting them into fields, and deciding whether a pattern written in a policy
 * (with `*`, `?` and `${...}` variables) can match an ARN format from the catalog
 * (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`). Pure functions, no I/O.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */

/** The six fields of `arn:partition:service:region:account:resource` (the resource may hold more colons). */
export interface ArnFields {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** Splits an ARN into its fields, or gives how many of the six it has when it is too short. */
export function splitArn(arn: string): ArnFields | { readonly missing: number } {
  const parts: string[] = [];
  let from = 0;
  for (let k = 0; k < 5; k++) {
    const colon = arn.indexOf(':', from);
    if (colon < 0) return { missing: 6 - (k + 1) };
    parts.push(arn.slice(from, colon));
    from = colon + 1;
  }
  parts.push(arn.slice(from));
  return { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts[5] };
}

/** AWS partitions. */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'];

/** A field that is, or contains, a wildcard or a policy variable: it is not checked for shape. */
export function isPattern(field: string): boolean {
  return /[*?]|\$\{/.test(field);
}

/** `us-east-1`, `us-gov-west-1`, `cn-north-1`, `us-iso-east-1`, `eu-isoe-west-1`... */
export const REGION_SHAPE = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$/;

// one character class of a pattern token
const enum Cls {
  Any = 0,
  NoSlash = 1,
  Literal = 2,
}

/** One token of a pattern: a literal character, or one character / any run of characters of a class. */
interface Token {
  readonly cls: Cls;
  readonly ch: number;
  readonly many: boolean;
}

const ANY_RUN: Token = { cls: Cls.Any, ch: 0, many: true };
const ANY_ONE: Token = { cls: Cls.Any, ch: 0, many: false };

/** Tokens of a policy's ARN field: `*` is any run, `?` one character, `${var}` any run. */
export function policyTokens(s: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 42) out.push(ANY_RUN);
    else if (c === 63) out.push(ANY_ONE);
    else if (c === 36 && s.charCodeAt(i + 1) === 123) {
      const close = s.indexOf('}', i);
      if (close < 0) out.push({ cls: Cls.Literal, ch: c, many: false });
      else {
        const inner = s.slice(i + 2, close);
        // ${*} ${?} ${$} are escapes for the literal character
        if (inner === '*' || inner === '?' || inner === '$') out.push({ cls: Cls.Literal, ch: inner.charCodeAt(0), many: false });
        else out.push(ANY_RUN);
        i = close;
      }
    } else out.push({ cls: Cls.Literal, ch: c, many: false });
  }
  return out;
}

/**
 * Tokens of a catalog ARN format field: `${Var}` is one or more characters. `${BucketName}` cannot
 * hold `/` (S3 bucket names never do), which is what tells a bucket from an object ARN.
 */
export function formatTokens(s: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 36 && s.charCodeAt(i + 1) === 123) {
      const close = s.indexOf('}', i);
      const name = s.slice(i + 2, close);
      const cls = name === 'BucketName' ? Cls.NoSlash : Cls.Any;
      out.push({ cls, ch: 0, many: false }, { cls, ch: 0, many: true });
      i = close;
    } else out.push({ cls: Cls.Literal, ch: c, many: false });
  }
  return out;
}

function compatible(a: Token, b: Token): boolean {
  if (a.cls === Cls.Literal && b.cls === Cls.Literal) return a.ch === b.ch;
  if (a.cls === Cls.Literal) return b.cls === Cls.Any || a.ch !== 47;
  if (b.cls === Cls.Literal) return a.cls === Cls.Any || b.ch !== 47;
  return true;
}

/** Whether some string matches both token patterns (a product of two small automata, O(n * m)). */
export function patternsIntersect(a: readonly Token[], b: readonly Token[]): boolean {
  const n = a.length;
  const m = b.length;
  // r[i * (m + 1) + j]: the suffixes a[i..] and b[j..] have a common match
  const r = new Uint8Array((n + 1) * (m + 1));
  const w = m + 1;
  for (let i = n; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      if (i === n && j === m) {
        r[i * w + j] = 1;
        continue;
      }
      let ok = 0;
      if (i < n && a[i].many && r[(i + 1) * w + j]) ok = 1;
      else if (j < m && b[j].many && r[i * w + j + 1]) ok = 1;
      else if (i < n && j < m && compatible(a[i], b[j])) {
        const ni = a[i].many ? i : i + 1;
        const nj = b[j].many ? j : j + 1;
        if ((ni !== i || nj !== j) && r[ni * w + nj]) ok = 1;
      }
      r[i * w + j] = ok;
    }
  }
  return r[0] === 1;
}

/** A catalog ARN format split into tokenised fields. */
export interface ArnTemplate {
  readonly format: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resourceLiteralPrefix: string;
  readonly tokens: { readonly region: Token[]; readonly account: Token[]; readonly resource: Token[] };
}

/** Parses a catalog format such as `arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`. */
export function parseArnTemplate(format: string): ArnTemplate {
  const f = splitArn(format) as ArnFields;
  const varAt = f.resource.indexOf('${');
  return {
    format,
    service: f.service,
    region: f.region,
    account: f.account,
    resourceLiteralPrefix: varAt < 0 ? f.resource : f.resource.slice(0, varAt),
    tokens: { region: formatTokens(f.region), account: formatTokens(f.account), resource: formatTokens(f.resource) },
  };
}

/** How a policy's ARN compares with the catalog's formats for its service. */
export type ArnMatch =
  | { readonly kind: 'ok'; readonly ids: readonly number[] }
  /** The catalog has no format for this service (or the service is a pattern): nothing to compare. */
  | { readonly kind: 'unknown-service' }
  | { readonly kind: 'region-not-allowed'; readonly formats: readonly string[] }
  | { readonly kind: 'region-missing'; readonly formats: readonly string[] }
  | { readonly kind: 'account-not-allowed'; readonly formats: readonly string[] }
  | { readonly kind: 'account-missing'; readonly formats: readonly string[] }
  | { readonly kind: 'no-resource-type'; readonly formats: readonly string[] };

/** Compares a well-formed policy ARN with the formats of its service. */
export function matchArnTemplates(arn: string, templatesOf: (service: string) => readonly { id: number; template: ArnTemplate }[] | undefined): ArnMatch {
  const f = splitArn(arn);
  if ('missing' in f || isPattern(f.service)) return { kind: 'unknown-service' };
  const templates = templatesOf(f.service);
  if (!templates) return { kind: 'unknown-service' };
  const resource = policyTokens(f.resource);
  const region = policyTokens(f.region);
  const account = policyTokens(f.account);
  const literalEnd = f.resource.search(/[*?]|\$\{/);
  const literal = literalEnd < 0 ? f.resource : f.resource.slice(0, literalEnd);
  const ids: number[] = [];
  const regionIssue: ArnTemplate[] = [];
  const accountIssue: ArnTemplate[] = [];
  for (const { id, template } of templates) {
    // cheap test first: the literal starts of the two resource parts must agree
    const p = template.resourceLiteralPrefix;
    if (!(literal.startsWith(p) || (literalEnd >= 0 && p.startsWith(literal)))) continue;
    if (!patternsIntersect(resource, template.tokens.resource)) continue;
    const regionOk = patternsIntersect(region, template.tokens.region);
    const accountOk = patternsIntersect(account, template.tokens.account);
    if (regionOk && accountOk) ids.push(id);
    if (!regionOk) regionIssue.push(template);
    if (!accountOk) accountIssue.push(template);
  }
  if (ids.length) return { kind: 'ok', ids };
  const formats = (ts: readonly ArnTemplate[]) => [...new Set(ts.map((t) => t.format))];
  if (regionIssue.length) return { kind: regionIssue.some((t) => t.region === '') ? 'region-not-allowed' : 'region-missing', formats: formats(regionIssue) };
  if (accountIssue.length) return { kind: accountIssue.some((t) => t.account === '') ? 'account-not-allowed' : 'account-missing', formats: formats(accountIssue) };
  return { kind: 'no-resource-type', formats: formats(templates.map((t) => t.template)) };
}
