/**
 * The grammar of an IAM policy document: identity policies (customer managed and inline) and role
 * trust policies, everything that needs no catalog. Forbids, for example:
 * `{"Version":"2008-10-17","Statement":[{"Effect":"allow","Action":"s3GetObject"}]}` (old version,
 * lower-case effect, malformed action, no Resource). ARN fields, condition operators and value
 * types, policy variables and the trust-policy rules are checked here too, by their own modules.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */
import { FileReporter, child, show } from '../rule-context';
import { checkConditionGrammar } from './conditions';
import { checkArnShape } from './resources';
import { checkTrustStatement } from './trust';
import { scanVariables, variableSites } from './variables';

const TOP_LEVEL_KEYS = ['Version', 'Id', 'Statement'];
const STATEMENT_KEYS = ['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];
/** service prefix, colon, action name; `*` and `?` wildcards allowed. IAM matches actions case-insensitively. */
const ACTION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]*:[A-Za-z0-9*?]+$/;
const SID_PATTERN = /^[A-Za-z0-9]*$/;

/** Which kind of document: identity policies (CMP, inline) or a role's trust policy. */
export type PolicyMode = 'identity' | 'trust';

/** Checks a policy document's structure; reports each problem with its pointer under `base`. */
export function checkPolicyDocument(r: FileReporter, doc: unknown, base: string, mode: PolicyMode = 'identity'): void {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    r.error('iam/document', base, `policy document is ${show(doc)}; expected a JSON object with Version and Statement`);
    return;
  }
  const d = doc as Record<string, unknown>;
  for (const key of Object.keys(d)) {
    if (!TOP_LEVEL_KEYS.includes(key)) {
      r.error('iam/top-level-key', child(base, key), `unknown top-level key ${show(key)}; a policy document has only Version, Id and Statement`, {
        at: 'key',
        hint: key === 'Description' ? 'Put a description in policies/<Name>.meta.yaml instead.' : undefined,
      });
    }
  }
  if (d.Version !== '2012-10-17') {
    r.error(
      'iam/version',
      'Version' in d ? child(base, 'Version') : base,
      `Version is ${show(d.Version)}; expected "2012-10-17", the only version that supports policy variables and that managed policies accept`,
    );
  }
  if ('Id' in d && typeof d.Id !== 'string') {
    r.error('iam/id', child(base, 'Id'), `Id is ${show(d.Id)}; expected a string`);
  }
  const statements = d.Statement;
  const sp = child(base, 'Statement');
  if (statements === undefined) {
    r.error('iam/statement', base, 'policy document has no Statement; expected a statement object or a non-empty array of them');
    return;
  }
  const list: [unknown, string][] = Array.isArray(statements)
    ? statements.map((s, i) => [s, child(sp, i)])
    : [[statements, sp]];
  if (Array.isArray(statements) && statements.length === 0) {
    r.error('iam/statement', sp, 'Statement is an empty array; expected at least one statement');
  }
  const sids = new Map<string, string>(); // Sid -> pointer of its first use
  for (const [s, p] of list) checkStatement(r, s, p, sids, mode);
}

function checkStatement(r: FileReporter, s: unknown, p: string, sids: Map<string, string>, mode: PolicyMode): void {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) {
    r.error('iam/statement', p, `statement is ${show(s)}; expected an object with Effect, Action and Resource`);
    return;
  }
  const st = s as Record<string, unknown>;
  const allowed = mode === 'trust' ? [...STATEMENT_KEYS, 'Principal', 'NotPrincipal'] : STATEMENT_KEYS;
  for (const key of Object.keys(st)) {
    if ((key === 'Principal' || key === 'NotPrincipal') && mode === 'identity') {
      r.error('iam/principal', child(p, key), `statement has ${key}; identity-based policies cannot name a principal`, {
        at: 'key',
        hint: 'Principal belongs in resource-based or trust policies. Remove it: the policy applies to the role it is attached to.',
      });
    } else if (!allowed.includes(key)) {
      r.error('iam/statement-key', child(p, key), `unknown statement key ${show(key)}; expected one of ${allowed.join(', ')}`, { at: 'key' });
    }
  }
  // Sid
  if ('Sid' in st) {
    const sid = st.Sid;
    if (typeof sid !== 'string' || !SID_PATTERN.test(sid)) {
      r.error('iam/sid', child(p, 'Sid'), `Sid is ${show(sid)}; expected letters and digits only (A-Z, a-z, 0-9)`);
    } else if (sid !== '') {
      const first = sids.get(sid);
      if (first !== undefined) {
        r.error('iam/sid-duplicate', child(p, 'Sid'), `Sid ${show(sid)} is used twice; Sids must be unique within a document (first at line ${r.file.locate(first).line})`);
      } else sids.set(sid, child(p, 'Sid'));
    }
  }
  // Effect
  if (st.Effect !== 'Allow' && st.Effect !== 'Deny') {
    r.error('iam/effect', 'Effect' in st ? child(p, 'Effect') : p, `Effect is ${show(st.Effect)}; expected "Allow" or "Deny" (case-sensitive)`);
  }
  // Action / NotAction
  const hasAction = 'Action' in st;
  const hasNotAction = 'NotAction' in st;
  if (hasAction === hasNotAction) {
    r.error(
      'iam/action-xor',
      hasAction ? child(p, 'NotAction') : p,
      hasAction ? 'statement has both Action and NotAction; expected exactly one' : 'statement has neither Action nor NotAction; expected exactly one',
      { at: hasAction ? 'key' : 'value' },
    );
  }
  for (const key of ['Action', 'NotAction']) {
    if (key in st) checkStrings(r, st[key], child(p, key), key, (v, vp) => checkAction(r, v, vp));
  }
  // Resource / NotResource (trust policies have none)
  if (mode === 'identity') {
    const hasResource = 'Resource' in st;
    const hasNotResource = 'NotResource' in st;
    if (hasResource === hasNotResource) {
      r.error(
        'iam/resource-xor',
        hasResource ? child(p, 'NotResource') : p,
        hasResource
          ? 'statement has both Resource and NotResource; expected exactly one'
          : 'statement has neither Resource nor NotResource; expected exactly one',
        { at: hasResource ? 'key' : 'value', hint: hasResource ? undefined : 'Use "Resource": "*" to apply to all resources.' },
      );
    }
  }
  for (const key of ['Resource', 'NotResource']) {
    if (key in st) checkStrings(r, st[key], child(p, key), key, (v, vp) => checkResource(r, v, vp));
  }
  if (mode === 'trust' && !('Principal' in st) && !('NotPrincipal' in st)) {
    r.error('iam/principal', p, 'trust policy statement has no Principal; expected the principal allowed to assume the role');
  }
  if (mode === 'trust') checkTrustStatement(r, st, p);
  if ('Condition' in st) {
    checkCondition(r, st.Condition, child(p, 'Condition'));
    checkConditionGrammar(r, st.Condition, child(p, 'Condition'));
  }
  for (const [text, vp] of variableSites(st, p)) scanVariables(r, text, vp);
}

function checkStrings(r: FileReporter, v: unknown, p: string, key: string, each: (v: unknown, p: string) => void): void {
  if (Array.isArray(v)) {
    if (v.length === 0) r.error('iam/empty-list', p, `${key} is an empty list; expected at least one value`);
    v.forEach((item, i) => each(item, child(p, i)));
  } else each(v, p);
}

function checkAction(r: FileReporter, v: unknown, p: string): void {
  if (typeof v !== 'string') {
    r.error('iam/action-format', p, `action is ${show(v)}; expected a string like "s3:GetObject"`);
  } else if (v !== '*' && !ACTION_PATTERN.test(v)) {
    const fixed = v.trim().replace(/\s+/g, '').replace(/^([A-Za-z0-9-]+)[.;/]/, '$1:');
    r.error('iam/action-format', p, `action ${show(v)} is not shaped like service:Action; expected e.g. "s3:GetObject", "ec2:Describe*" or "*"`, {
      hint: fixed !== v && ACTION_PATTERN.test(fixed) ? `Did you mean ${show(fixed)}?` : undefined,
    });
  }
}

function checkResource(r: FileReporter, v: unknown, p: string): void {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const fn = Object.keys(v)[0] ?? '';
    r.error('iam/resource-format', p, `resource is an object ${show(v)}; expected an ARN string or "*"`, {
      hint: /^(Fn::|Ref$)/.test(fn)
        ? `${fn} is a CloudFormation function; Prism sends documents to AWS as written, so write the ARN out.`
        : undefined,
    });
  } else if (typeof v !== 'string') {
    r.error('iam/resource-format', p, `resource is ${show(v)}; expected an ARN string or "*"`);
  } else if (v !== '*' && !v.startsWith('arn:')) {
    r.error('iam/resource-format', p, `resource ${show(v)} is neither "*" nor an ARN; expected e.g. "arn:aws:s3:::my-bucket/*"`);
  } else if (v !== '*') checkArnShape(r, v, p);
}

function checkCondition(r: FileReporter, c: unknown, p: string): void {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) {
    r.error('iam/condition', p, `Condition is ${show(c)}; expected an object of operator -> key -> value(s)`);
    return;
  }
  for (const [op, block] of Object.entries(c)) {
    const op_p = child(p, op);
    if (typeof block !== 'object' || block === null || Array.isArray(block)) {
      r.error('iam/condition', op_p, `condition ${op} is ${show(block)}; expected an object of condition key -> value(s)`);
      continue;
    }
    for (const [key, value] of Object.entries(block)) {
      const vp = child(op_p, key);
      const scalar = (x: unknown) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
      if (Array.isArray(value)) {
        value.forEach((x, i) => {
          if (!scalar(x)) r.error('iam/condition', child(vp, i), `condition value is ${show(x)}; expected a string`);
        });
      } else if (!scalar(value)) {
        r.error('iam/condition', vp, `condition ${op} ${key} is ${show(value)}; expected a string or a list of strings`);
      }
    }
  }
}
