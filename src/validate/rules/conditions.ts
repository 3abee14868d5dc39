/**
 * Condition blocks. Forbids, for example, `"StringEqualz": {...}` or `"stringEquals": {...}` (IAM rejects
 * an unknown operator when the policy is created, so in every account at apply time),
 * `"NullIfExists"`, `"DateGreaterThan": {"aws:CurrentTime": "yesterday"}` (a value of the wrong type),
 * two keys that differ only in case, `"aws:SourceIpp"` (no such global key) and `"s3:prefx"`; warns
 * on `"ForAllValues:StringEquals"` with a single-valued key, `"StringEquals"` with a `*` value, and a
 * service key that none of the statement's actions supports.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
 */
import { IamCatalog, KeyCheck } from '../iam-catalog';
import { FileReporter, child, didYouMean, show } from '../rule-context';

/** The families of condition operators, by the type of value they compare. */
export type OperatorFamily = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'IpAddress' | 'Arn' | 'Null';

/** Every base operator IAM accepts, with its family. */
export const CONDITION_OPERATORS: Readonly<Record<string, OperatorFamily>> = {
  StringEquals: 'String',
  StringNotEquals: 'String',
  StringEqualsIgnoreCase: 'String',
  StringNotEqualsIgnoreCase: 'String',
  StringLike: 'String',
  StringNotLike: 'String',
  NumericEquals: 'Numeric',
  NumericNotEquals: 'Numeric',
  NumericLessThan: 'Numeric',
  NumericLessThanEquals: 'Numeric',
  NumericGreaterThan: 'Numeric',
  NumericGreaterThanEquals: 'Numeric',
  DateEquals: 'Date',
  DateNotEquals: 'Date',
  DateLessThan: 'Date',
  DateLessThanEquals: 'Date',
  DateGreaterThan: 'Date',
  DateGreaterThanEquals: 'Date',
  Bool: 'Bool',
  BinaryEquals: 'Binary',
  IpAddress: 'IpAddress',
  NotIpAddress: 'IpAddress',
  ArnEquals: 'Arn',
  ArnLike: 'Arn',
  ArnNotEquals: 'Arn',
  ArnNotLike: 'Arn',
  Null: 'Null',
};

/** An operator taken apart: `ForAllValues:StringLikeIfExists` is qualifier ForAllValues, base StringLike, ifExists. */
export interface ParsedOperator {
  readonly qualifier?: 'ForAllValues' | 'ForAnyValue';
  readonly base: string;
  readonly family: OperatorFamily;
  readonly ifExists: boolean;
}

/** Parses an operator exactly as IAM spells it (case-sensitive), or undefined. `NullIfExists` parses; the caller rejects it. */
export function parseOperator(op: string): ParsedOperator | undefined {
  let rest = op;
  let qualifier: ParsedOperator['qualifier'];
  if (rest.startsWith('ForAllValues:')) qualifier = 'ForAllValues';
  else if (rest.startsWith('ForAnyValue:')) qualifier = 'ForAnyValue';
  if (qualifier) rest = rest.slice(qualifier.length + 1);
  const ifExists = rest.endsWith('IfExists');
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  const family = Object.prototype.hasOwnProperty.call(CONDITION_OPERATORS, base) ? CONDITION_OPERATORS[base] : undefined;
  return family ? { qualifier, base, family, ifExists } : undefined;
}

/** The closest valid spelling of a bad operator: case fixed, then a near miss of the base. */
function suggestOperator(op: string): string | undefined {
  const m = /^(forallvalues:|foranyvalue:)?(.*?)(ifexists)?$/i.exec(op)!;
  const qualifier = m[1] ? (m[1].toLowerCase().startsWith('forall') ? 'ForAllValues:' : 'ForAnyValue:') : '';
  const base = Object.keys(CONDITION_OPERATORS).find((o) => o.toLowerCase() === m[2].toLowerCase()) ?? didYouMean(m[2], Object.keys(CONDITION_OPERATORS));
  if (!base) return undefined;
  return `${qualifier}${base}${m[3] && base !== 'Null' ? 'IfExists' : ''}`;
}

const NEGATED = /Not/;

// value shapes, per family
const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$/;
const EPOCH = /^[0-9]+$/;
const IPV4 = /^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\/([0-9]|[12][0-9]|3[0-2]))?$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isIpv6(v: string): boolean {
  const [addr, bits, ...more] = v.split('/');
  if (more.length || (bits !== undefined && !(/^[0-9]{1,3}$/.test(bits) && Number(bits) <= 128))) return false;
  if (!/^[0-9a-fA-F:.]+$/.test(addr) || addr.split('::').length > 2) return false;
  const groups = addr.split(':');
  if (groups.some((g) => g.length > 4 && !g.includes('.'))) return false;
  return addr.includes('::') ? groups.length <= 8 : groups.length === 8;
}

/** Whether a value fits an operator family; values with a policy variable are not checked. */
export function valueFits(family: OperatorFamily, v: unknown): boolean {
  if (typeof v === 'string' && v.includes('${')) return true;
  switch (family) {
    case 'Numeric':
      return typeof v === 'number' || (typeof v === 'string' && NUMBER.test(v));
    case 'Date': {
      if (typeof v === 'number') return Number.isInteger(v) && v >= 0;
      if (typeof v !== 'string') return false;
      if (EPOCH.test(v)) return true;
      if (!DATE.test(v)) return false;
      const [y, mo, d] = v.slice(0, 10).split('-').map(Number);
      return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && y > 0;
    }
    case 'Bool':
    case 'Null':
      return typeof v === 'boolean' || (typeof v === 'string' && /^(true|false)$/i.test(v));
    case 'IpAddress':
      return typeof v === 'string' && (IPV4.test(v) || isIpv6(v));
    case 'Arn':
      return typeof v === 'string' && (v.startsWith('arn:') || /^[*?]+$/.test(v));
    case 'Binary':
      return typeof v === 'string' && BASE64.test(v);
    default:
      return true;
  }
}

const EXPECTED: Record<OperatorFamily, string> = {
  String: 'a string',
  Numeric: 'a number such as "10" or "1.5"',
  Date: 'an ISO 8601 date such as "2025-01-31" or "2025-01-31T12:00:00Z", or epoch seconds',
  Bool: '"true" or "false"',
  Null: '"true" (the key is absent) or "false" (it is present)',
  IpAddress: 'an IPv4 or IPv6 address or CIDR range such as "203.0.113.0/24"',
  Arn: 'an ARN such as "arn:aws:iam::111122223333:role/Deploy" (wildcards allowed)',
  Binary: 'base64-encoded bytes',
};

/**
 * Key types (from the catalog) and the operator families that can compare them. String operators
 * compare any key as text (`"StringEquals": {"aws:SecureTransport": "true"}` works), and ARN
 * operators any text key (AWS's own policies compare kms:EncryptionContext:... with ArnLike); a
 * numeric, date, Boolean or IP comparison of a key of another type cannot work.
 */
const FAMILIES_FOR_TYPE: Record<string, readonly OperatorFamily[]> = {
  String: ['String', 'Arn'],
  ArrayOfString: ['String', 'Arn'],
  ARN: ['Arn', 'String'],
  ArrayOfARN: ['Arn', 'String'],
  Bool: ['Bool', 'String'],
  ArrayOfBool: ['Bool', 'String'],
  Numeric: ['Numeric', 'String'],
  ArrayOfNumeric: ['Numeric', 'String'],
  Date: ['Date', 'String'],
  IPAddress: ['IpAddress', 'String'],
  Binary: ['Binary', 'String'],
};

const values = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** The operator blocks of a Condition, with their pointers, when it is shaped as operator -> key -> values. */
function blocks(c: unknown, p: string): { op: string; parsed?: ParsedOperator; op_p: string; entries: [string, unknown, string][] }[] {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return [];
  const out = [];
  for (const [op, block] of Object.entries(c)) {
    if (typeof block !== 'object' || block === null || Array.isArray(block)) continue;
    const op_p = child(p, op);
    out.push({ op, parsed: parseOperator(op), op_p, entries: Object.entries(block).map(([k, v]) => [k, v, child(op_p, k)] as [string, unknown, string]) });
  }
  return out;
}

/** Grammar checks of one Condition that need no catalog: operators, value shapes, duplicate keys, wildcards. */
export function checkConditionGrammar(r: FileReporter, c: unknown, p: string): void {
  for (const { op, parsed, op_p, entries } of blocks(c, p)) {
    if (!parsed) {
      const guess = suggestOperator(op);
      r.error('iam/condition-operator', op_p, `condition operator ${show(op)} does not exist; expected one of StringEquals, StringLike, ArnLike, NumericLessThan, DateGreaterThan, Bool, IpAddress, Null and the like (case-sensitive), optionally with IfExists or a ForAllValues:/ForAnyValue: qualifier`, {
        at: 'key',
        hint: `${guess ? `Did you mean ${show(guess)}? ` : ''}IAM rejects the policy when it is created, so it would fail in every account at apply time.`,
      });
      continue;
    }
    if (parsed.base === 'Null' && parsed.ifExists) {
      r.error('iam/condition-null-if-exists', op_p, `condition operator ${show(op)} combines Null with IfExists; IAM has no such operator`, {
        at: 'key',
        hint: 'Null already tests whether the key is present: use "Null".',
      });
      continue;
    }
    // keys are case-insensitive: two spellings of one key are one key given twice
    const seen = new Map<string, string>();
    for (const [key, value, vp] of entries) {
      const lower = key.toLowerCase();
      const first = seen.get(lower);
      if (first !== undefined) {
        r.error('iam/condition-duplicate-key', vp, `condition key ${show(key)} repeats ${show(first)} under ${op}; condition keys are case-insensitive, so this is the same key twice`, {
          at: 'key',
          hint: 'Merge the values into one key: IAM evaluates only one of them.',
        });
      } else seen.set(lower, key);
      checkValues(r, op, parsed, key, value, vp);
    }
  }
}

function checkValues(r: FileReporter, op: string, parsed: ParsedOperator, key: string, value: unknown, vp: string): void {
  const list = values(value);
  const scalar = (x: unknown) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
  if (!list.every(scalar)) return; // the structure rule reports it
  const family = parsed.family;
  const bad = list.map((v, i) => [v, i] as const).filter(([v]) => !valueFits(family, v));
  if (bad.length) {
    // every value wrong: the key's test can never be true as written
    const severity = bad.length === list.length ? 'error' : 'warning';
    for (const [v, i] of bad) {
      r.report(severity, 'iam/condition-value-type', Array.isArray(value) ? child(vp, i) : vp, `${op} compares ${key} with ${show(v)}, which is not ${EXPECTED[family]}`, {
        hint:
          severity === 'error'
            ? `No request value can match it, so ${NEGATED.test(parsed.base) ? 'the condition is always true for this key' : 'the statement never applies'}. Write ${EXPECTED[family]}.`
            : `This value never matches; the others still do. Write ${EXPECTED[family]}.`,
      });
    }
  }
  if ((family === 'Bool' || family === 'Null') && new Set(list.map((v) => String(v).toLowerCase())).size > 1) {
    r.warning('iam/condition-multiple-bool', vp, `${op} gives ${key} both true and false; the test then matches whatever the value is`, {
      hint: 'Give one value. To allow both, remove the condition.',
    });
  }
  // ArnEquals takes wildcards like ArnLike; the String...Equals operators do not
  if ((parsed.base.startsWith('StringEquals') || parsed.base.startsWith('StringNotEquals')) && list.some((v) => typeof v === 'string' && /[*?]/.test(v.replace(/\$\{[^}]*\}/g, '')))) {
    const like = parsed.base.replace('Equals', 'Like').replace('IgnoreCase', '');
    r.warning('iam/condition-wildcard-operator', vp, `${op} compares ${key} with a value containing * or ?, which ${op} matches literally, not as a wildcard`, {
      hint: `Use ${like}${parsed.ifExists ? 'IfExists' : ''} to match a pattern.`,
    });
  }
}

/** One finding about a condition key that needs the catalog. */
export type KeyFinding = { readonly key: string; readonly pointer: string; readonly op: string; readonly parsed: ParsedOperator } & (
  | { readonly kind: 'unknown' | 'unlisted'; readonly found: Extract<KeyCheck, { kind: 'unknown' | 'unlisted' }> }
  | { readonly kind: 'operator-type' | 'forallvalues' | 'unsupported'; readonly found: Extract<KeyCheck, { kind: 'ok' }> }
);

/** What the catalog says about one statement's condition keys (pure; shared with the build-time calibration). */
export function conditionKeyFindings(catalog: IamCatalog, st: Record<string, unknown>, sp: string): KeyFinding[] {
  if (!('Condition' in st)) return [];
  const out: KeyFinding[] = [];
  const actions = 'Action' in st ? (Array.isArray(st.Action) ? st.Action : [st.Action]) : undefined;
  for (const { op, parsed, entries } of blocks(st.Condition, child(sp, 'Condition'))) {
    if (!parsed) continue;
    for (const [key, , pointer] of entries) {
      const found = catalog.findKey(key);
      const at = { key, pointer, op, parsed };
      if (found.kind === 'unknown' || found.kind === 'unlisted') {
        out.push({ ...at, kind: found.kind, found });
        continue;
      }
      if (found.kind !== 'ok') continue;
      const fits = FAMILIES_FOR_TYPE[found.type];
      if (fits && parsed.family !== 'Null' && !fits.includes(parsed.family)) out.push({ ...at, kind: 'operator-type', found });
      if (parsed.qualifier === 'ForAllValues' && !found.type.startsWith('ArrayOf')) out.push({ ...at, kind: 'forallvalues', found });
      // a service key that no action of the statement supports is never in the request
      if (!found.global && !key.toLowerCase().startsWith('aws:') && actions && actions.every((a) => typeof a === 'string')) {
        const supported = (actions as string[]).map((a) => catalog.supportedKeys(a));
        if (!supported.includes('any') && !supported.some((x) => (x as ReadonlySet<number>).has(found.id))) out.push({ ...at, kind: 'unsupported', found });
      }
    }
  }
  return out;
}

/**
 * Condition checks that need the catalog: keys exist, fit the operator, and apply to the statement's
 * actions. A key AWS's own managed policies use where the catalog says it cannot be is not an error.
 */
export function checkStatementConditionKeys(r: FileReporter, st: Record<string, unknown>, sp: string, catalog: IamCatalog): void {
  const evidence = catalog.index.evidence;
    const actions = 'Action' in st ? (Array.isArray(st.Action) ? st.Action : [st.Action]) : [];
  for (const f of conditionKeyFindings(catalog, st, sp)) {
    const { key, pointer: vp, op, parsed } = f;
    const never = NEGATED.test(parsed.base) || parsed.ifExists ? 'always true' : 'never true';
    switch (f.kind) {
      case 'unknown':
      case 'unlisted': {
        const seen = evidence.keys[key.toLowerCase()];
        if (seen || f.found.kind === 'unlisted') {
          r.warning('iam/unlisted-condition-key', vp, `condition key ${show(key)} is not in the catalog (${catalog.catalogName})${seen ? `, though the AWS managed policy ${seen} uses it: it is newer than the catalog, or retired` : ' and is not a near miss of a known key: it is newer than the catalog, or no request carries it'}`, {
            at: 'key',
            hint: 'Check the key in the Service Authorization Reference. A key no request carries makes the test ' + never + '.',
          });
          break;
        }
        const global = f.found.scope === 'global';
        r.error(
          'iam/unknown-condition-key',
          vp,
          f.found.scope === 'format'
            ? `condition key ${show(key)} is not shaped like prefix:name; expected e.g. "aws:SourceIp" or "s3:prefix"`
            : `condition key ${show(key)} does not exist${global ? ' among the global condition keys (aws:...)' : ''}; no request carries it, so the test is ${never}`,
          {
            at: 'key',
            hint: f.found.suggestion
              ? `Did you mean ${show(f.found.suggestion)}?`
              : global
                ? 'See the list of global condition keys in the IAM User Guide.'
                : 'A condition key is a prefix, a colon and a name, e.g. aws:SourceIp or s3:prefix.',
          },
        );
        break;
      }
      case 'operator-type': {
        const fits = FAMILIES_FOR_TYPE[f.found.type];
        r.warning('iam/condition-operator-type', vp, `${op} compares ${f.found.key}, a ${f.found.type} key, as ${parsed.family === 'IpAddress' ? 'an IP address' : `a ${parsed.family} value`}; expected ${fits.map((x) => exampleOperator(x)).join(' or ')}`, {
          at: 'key',
          hint: `A ${parsed.family} comparison of a ${f.found.type} value never matches. Use ${exampleOperator(fits[0])}.`,
        });
        break;
      }
      case 'forallvalues':
        r.warning('iam/condition-forallvalues-single', vp, `ForAllValues with ${f.found.key}, a single-valued key: ForAllValues is also true when the request lacks the key, so the condition ${NEGATED.test(parsed.base) ? 'restricts' : 'allows'} more than it seems`, {
          at: 'key',
          hint: `Use ${parsed.base}${parsed.ifExists ? 'IfExists' : ''} without ForAllValues for a single-valued key.`,
        });
        break;
      case 'unsupported':
        if (evidence.keyActions[key.toLowerCase()]) break; // AWS's own policies use it so: the catalog is incomplete
        r.warning('iam/condition-key-unsupported', vp, `no action of this statement (${(actions as string[]).slice(0, 3).join(', ')}${actions.length > 3 ? ', ...' : ''}) supports the condition key ${f.found.key}, so requests never carry it`, {
          at: 'key',
          hint: `The test is ${never} for these actions. Use a key the actions support (see the Service Authorization Reference), or move the condition to a statement with actions that do.`,
        });
        break;
    }
  }
}

function exampleOperator(f: OperatorFamily): string {
  return { String: 'StringEquals/StringLike', Numeric: 'NumericEquals/NumericLessThan', Date: 'DateGreaterThan/DateLessThan', Bool: 'Bool', Binary: 'BinaryEquals', IpAddress: 'IpAddress/NotIpAddress', Arn: 'ArnEquals/ArnLike', Null: 'Null' }[f];
}
