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

/**
 * A pattern as token codes: a character code (>= 0) is that literal character; the negative codes
 * are one character or any run of characters, of any kind or other than `/` and `:` (NOSLASH).
 */
export type Tokens = Int32Array;
const ANY_ONE = -1;
const ANY_RUN = -2;
const NOSLASH_ONE = -3;
const NOSLASH_RUN = -4;
const SLASH = 47;
const COLON = 58;

/** Tokens of a policy's ARN field: `*` is any run, `?` one character, `${var}` any run. */
export function policyTokens(s: string): Tokens {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 42) out.push(ANY_RUN);
    else if (c === 63) out.push(ANY_ONE);
    else if (c === 36 && s.charCodeAt(i + 1) === 123) {
      const close = s.indexOf('}', i);
      if (close < 0) out.push(c);
      else {
        const inner = s.slice(i + 2, close);
        // ${*} ${?} ${$} are escapes for the literal character
        out.push(inner === '*' || inner === '?' || inner === '$' ? inner.charCodeAt(0) : ANY_RUN);
        i = close;
      }
    } else out.push(c);
  }
  return Int32Array.from(out);
}

/**
 * Tokens of a catalog ARN format field: `${Var}` is one or more characters. `${BucketName}` cannot
 * hold `/` or `:` (S3 bucket names never do), which is what tells a bucket from an object ARN, and
 * `arn:aws:s3:::bucket:extra` from a bucket.
 */
export function formatTokens(s: string): Tokens {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 36 && s.charCodeAt(i + 1) === 123) {
      const close = s.indexOf('}', i);
      const noSlash = s.slice(i + 2, close) === 'BucketName';
      out.push(noSlash ? NOSLASH_ONE : ANY_ONE, noSlash ? NOSLASH_RUN : ANY_RUN);
      i = close;
    } else out.push(c);
  }
  return Int32Array.from(out);
}

const isRun = (t: number) => t === ANY_RUN || t === NOSLASH_RUN;

/** Whether some single character satisfies both tokens. */
function compatible(a: number, b: number): boolean {
  if (a >= 0 && b >= 0) return a === b;
  if (a >= 0) return !(b === NOSLASH_ONE || b === NOSLASH_RUN) || (a !== SLASH && a !== COLON);
  if (b >= 0) return !(a === NOSLASH_ONE || a === NOSLASH_RUN) || (b !== SLASH && b !== COLON);
  return true;
}

let table = new Uint8Array(1024);

/** Whether some string matches both token patterns (a product of two small automata, O(n * m)). */
export function patternsIntersect(a: Tokens, b: Tokens): boolean {
  const n = a.length;
  const m = b.length;
  const w = m + 1;
  if (table.length < (n + 1) * w) table = new Uint8Array((n + 1) * w * 2);
  const r = table;
  // r[i * w + j]: the suffixes a[i..] and b[j..] have a common match
  for (let i = n; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      let ok = 0;
      if (i === n && j === m) ok = 1;
      else if (i < n && isRun(a[i]) && r[(i + 1) * w + j]) ok = 1;
      else if (j < m && isRun(b[j]) && r[i * w + j + 1]) ok = 1;
      else if (i < n && j < m && compatible(a[i], b[j])) {
        const ni = isRun(a[i]) ? i : i + 1;
        const nj = isRun(b[j]) ? j : j + 1;
        if ((ni !== i || nj !== j) && r[ni * w + nj]) ok = 1;
      }
      r[i * w + j] = ok;
    }
  }
  return r[0] === 1;
}

/** A catalog ARN format split into fields; their tokens are built on first use. */
export interface ArnTemplate {
  readonly format: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
  readonly resourceLiteralPrefix: string;
  readonly tokens: { readonly region: Tokens; readonly account: Tokens; readonly resource: Tokens };
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
    resource: f.resource,
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
  /**
   * No format has this shape. `knownType`: the resource part starts with a resource type the
   * catalog knows for the service (or the service's formats start with a name), or its fields are
   * shifted by an extra colon; otherwise the type itself is unknown, and may be newer than the catalog.
   */
  | { readonly kind: 'no-resource-type'; readonly formats: readonly string[]; readonly knownType: boolean };

/** One catalog format with its id (and, once needed, its resource part after the literal start as a RegExp). */
interface IndexedTemplate {
  readonly id: number;
  readonly template: ArnTemplate;
  rest?: RegExp;
  restPrefix?: RegExp;
}

/** The catalog's ARN formats by service and by the first character of their resource part. */
export class ArnFormatIndex {
  private readonly idsByService = new Map<string, number[]>();
  private readonly byService = new Map<string, { all: IndexedTemplate[]; byFirst: Map<number, IndexedTemplate[]>; open: IndexedTemplate[] }>();

  /** `exact`: compare every pattern with the general algorithm only (tests check the shortcuts against it). */
  constructor(
    private readonly formats: readonly string[],
    private readonly options: { readonly exact?: boolean } = {},
  ) {
    formats.forEach((format, id) => {
      const service = (splitArn(format) as ArnFields).service;
      const ids = this.idsByService.get(service) ?? [];
      ids.push(id);
      this.idsByService.set(service, ids);
    });
  }

  /** A service's formats, parsed on first use (a repository meets few of the 400 services). */
  private entry(service: string) {
    let entry = this.byService.get(service);
    const ids = this.idsByService.get(service);
    if (entry || !ids) return entry;
    entry = { all: [], byFirst: new Map(), open: [] };
    for (const id of ids) {
      const template = parseArnTemplate(this.formats[id]);
      entry.all.push({ id, template });
      const p = template.resourceLiteralPrefix;
      if (p === '') entry.open.push({ id, template });
      else {
        const list = entry.byFirst.get(p.charCodeAt(0)) ?? [];
        list.push({ id, template });
        entry.byFirst.set(p.charCodeAt(0), list);
      }
    }
    this.byService.set(service, entry);
    return entry;
  }

  /** Compares a well-formed policy ARN with the formats of its service. */
  match(arn: string): ArnMatch {
    const f = splitArn(arn);
    if ('missing' in f || isPattern(f.service)) return { kind: 'unknown-service' };
    const entry = this.entry(f.service);
    if (!entry) return { kind: 'unknown-service' };
    const literalEnd = f.resource.search(/[*?]|\$\{/);
    const literal = literalEnd < 0 ? f.resource : f.resource.slice(0, literalEnd);
    // only formats whose resource part can start like this one
    const first = literal === '' ? entry.all : entry.byFirst.get(literal.charCodeAt(0)) ?? [];
    const shape: Shape = literalEnd < 0 ? 'plain' : literalEnd === f.resource.length - 1 && f.resource.endsWith('*') ? 'trailing-star' : 'pattern';
    return matchCandidates(f, literal, this.options.exact ? (shape === 'plain' ? 'plain-exact' : 'pattern') : shape, first, literal === '' ? [] : entry.open, entry.all);
  }
}

/** A policy resource part: no wildcard, one `*` at the end only, or any other pattern. */
type Shape = 'plain' | 'plain-exact' | 'trailing-star' | 'pattern';

function matchCandidates(f: ArnFields, literal: string, shape: Shape, first: readonly IndexedTemplate[], open: readonly IndexedTemplate[], all: readonly IndexedTemplate[]): ArnMatch {
  const wildcard = shape === 'trailing-star' || shape === 'pattern';
  // tokens only once a format's literal start agrees
  let resource: Tokens | undefined;
  let region: Tokens | undefined;
  let account: Tokens | undefined;
  const ids: number[] = [];
  const regionIssue: ArnTemplate[] = [];
  const accountIssue: ArnTemplate[] = [];
  for (let k = 0; k < first.length + open.length; k++) {
    const candidate = k < first.length ? first[k] : open[k - first.length];
    const { id, template } = candidate;
    const p = template.resourceLiteralPrefix;
    if (!(literal.startsWith(p) || (wildcard && p.startsWith(literal)))) continue;
    if (shape === 'plain') {
      // a plain resource: does it match the format after the format's literal start?
      if (!(candidate.rest ??= restPattern(template)).test(literal.slice(p.length))) continue;
    } else if (shape === 'trailing-star') {
      // "literal*": some ARN of the format starts with the literal (the * takes the rest)
      if (literal.length > p.length && !(candidate.restPrefix ??= restPrefixPattern(template)).test(literal.slice(p.length))) continue;
    } else {
      // the common literal start is equal on both sides: compare what follows it
      const k = Math.min(p.length, literal.length);
      if (!restIntersects((resource ??= policyTokens(f.resource)).subarray(k), template.tokens.resource.subarray(k))) continue;
    }
    const regionOk = fieldFits(f.region, template.region) ?? patternsIntersect((region ??= policyTokens(f.region)), template.tokens.region);
    const accountOk = fieldFits(f.account, template.account) ?? patternsIntersect((account ??= policyTokens(f.account)), template.tokens.account);
    if (regionOk && accountOk) ids.push(id);
    if (!regionOk) regionIssue.push(template);
    if (!accountOk) accountIssue.push(template);
  }
  if (ids.length) return { kind: 'ok', ids };
  const formats = (ts: readonly ArnTemplate[]) => [...new Set(ts.map((t) => t.format))];
  if (regionIssue.length) return { kind: regionIssue.some((t) => t.region === '') ? 'region-not-allowed' : 'region-missing', formats: formats(regionIssue) };
  if (accountIssue.length) return { kind: accountIssue.some((t) => t.account === '') ? 'account-not-allowed' : 'account-missing', formats: formats(accountIssue) };
  return { kind: 'no-resource-type', formats: formats(closest(f, all.map((t) => t.template))), knownType: knownResourceType(f.resource, all) };
}

/** The resource type word at the start of a resource part: `role` in `role/Deploy`, `log-group` in `log-group:/x`. */
function typeWord(resource: string): string {
  const end = resource.search(/[/:*?$]/);
  return end < 0 ? resource : resource.slice(0, end);
}

/** See `ArnMatch` no-resource-type. */
function knownResourceType(resource: string, all: readonly IndexedTemplate[]): boolean {
  // an extra colon shifts the fields: arn:aws:iam:::111122223333:role/x, arn:aws:config:*:*::config-rule/*
  if (resource.startsWith(':') || /^[0-9]{12}:/.test(resource)) return true;
  const word = typeWord(resource);
  return all.some(({ template }) => template.resourceLiteralPrefix === '' || (word !== '' && typeWord(template.resourceLiteralPrefix) === word && /[/:]/.test(template.resourceLiteralPrefix.slice(word.length, word.length + 1))));
}

/** Formats most like the policy's ARN first: same empty region and account, then the longest common start. */
function closest(f: ArnFields, templates: readonly ArnTemplate[]): ArnTemplate[] {
  const score = (t: ArnTemplate) => {
    let common = 0;
    while (common < t.resourceLiteralPrefix.length && t.resourceLiteralPrefix[common] === f.resource[common]) common++;
    return (Number((t.region === '') === (f.region === '')) + Number((t.account === '') === (f.account === ''))) * 1000 + common * 10 - t.format.length / 100;
  };
  return [...templates].sort((a, b) => score(b) - score(a));
}

/** A format's resource part after its literal start, as a regular expression (`${Var}` is one or more characters). */
function restPattern(t: ArnTemplate): RegExp {
  const rest = t.resource.slice(t.resourceLiteralPrefix.length);
  const source = rest
    .split(/(\$\{[^}]*\})/)
    .map((part) => (part.startsWith('${') ? (part === '${BucketName}' ? '[^/:]+' : '[\\s\\S]+') : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/** Matches every prefix of the strings a format's resource part (after its literal start) can be. */
function restPrefixPattern(t: ArnTemplate): RegExp {
  const parts = t.resource.slice(t.resourceLiteralPrefix.length).split(/(\$\{[^}]*\})/).filter((x) => x !== '');
  // built from the end: stop here, or take this part (a variable: one or more characters) and go on
  let source = '';
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i];
    if (part.startsWith('${')) {
      const cls = part === '${BucketName}' ? '[^/:]' : '[\\s\\S]';
      source = `(?:${cls}+${source ? `(?:${source})?` : ''}|${cls}*)`;
    } else {
      for (let k = part.length - 1; k >= 0; k--) source = `(?:${part[k].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}${source})?`;
    }
  }
  return new RegExp(`^${source}$`);
}

/** `patternsIntersect`, with the common case of a format ending in one variable answered directly. */
function restIntersects(a: Tokens, b: Tokens): boolean {
  if (b.length === 2 && (b[0] === ANY_ONE || b[0] === NOSLASH_ONE) && isRun(b[1])) {
    // one or more characters (other than / and : for NOSLASH): any non-empty pattern fits, bar a literal / or :
    return a.length > 0 && (b[0] === ANY_ONE || (a.indexOf(SLASH) < 0 && a.indexOf(COLON) < 0));
  }
  return patternsIntersect(a, b);
}

/** The common region and account cases without tokens: a plain value against empty or a single variable. */
function fieldFits(value: string, format: string): boolean | undefined {
  if (value === '*') return true;
  if (isPattern(value)) return undefined;
  if (format === '') return value === '';
  if (format.startsWith('${') && format.indexOf('}') === format.length - 1) return value !== '';
  return undefined;
}
