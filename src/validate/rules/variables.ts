/**
 * Policy variables in Resource, NotResource and condition values. Forbids, for example,
 * `"arn:aws:s3:::home/${aws:username"` (no closing brace: the text is taken literally and matches
 * nothing), `"${}"` (empty), and `"${aws:usernme}"` (a key no request carries, so nothing matches).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
import { IamCatalog } from '../iam-catalog';
import { FileReporter, child, show } from '../rule-context';

/** A variable found in a string: its key (without a default) and where it starts in the string. */
export interface PolicyVariable {
  readonly key: string;
  readonly text: string;
}

/** The strings of a statement that may hold policy variables, with their pointers. */
export function variableSites(st: Record<string, unknown>, p: string): [string, string][] {
  const out: [string, string][] = [];
  // pointers are built only for the strings that hold a $
  const add = (v: unknown, vp: () => string) => {
    if (typeof v === 'string') {
      if (v.indexOf('$') >= 0) out.push([v, vp()]);
    } else if (Array.isArray(v)) v.forEach((x, i) => typeof x === 'string' && x.indexOf('$') >= 0 && out.push([x, child(vp(), i)]));
  };
  for (const key of ['Resource', 'NotResource']) if (key in st) add(st[key], () => child(p, key));
  const c = st.Condition;
  if (c && typeof c === 'object' && !Array.isArray(c)) {
    for (const [op, block] of Object.entries(c)) {
      if (!block || typeof block !== 'object' || Array.isArray(block)) continue;
      for (const [k, v] of Object.entries(block)) add(v, () => child(child(child(p, 'Condition'), op), k));
    }
  }
  return out;
}

/**
 * Splits the `${...}` variables out of a string. Reports a missing closing brace and an empty
 * variable; returns the well-formed variables (escapes `${*}`, `${?}`, `${$}` excluded).
 */
export function scanVariables(r: FileReporter | undefined, s: string, p: string): PolicyVariable[] {
  const out: PolicyVariable[] = [];
  for (let i = s.indexOf('${'); i >= 0; i = s.indexOf('${', i + 2)) {
    const close = s.indexOf('}', i + 2);
    const nextOpen = s.indexOf('${', i + 2);
    if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
      r?.error('iam/variable-brace', p, `policy variable in ${show(s)} has no closing brace; expected \${key}, e.g. \${aws:username}`, {
        hint: 'Without the brace IAM takes the text literally, and it matches nothing.',
      });
      continue;
    }
    const inner = s.slice(i + 2, close);
    // a default value: ${aws:PrincipalTag/team, 'none'}
    const key = inner.split(',')[0].trim();
    if (key === '') {
      r?.error('iam/variable-empty', p, `policy variable in ${show(s)} is empty (\${}); expected a key such as \${aws:username}`, {
        hint: 'Write ${$} for a literal dollar sign, or name the key.',
      });
    } else if (key !== '*' && key !== '?' && key !== '$') out.push({ key, text: s.slice(i, close + 1) });
  }
  return out;
}

/** Reports variables whose key does not exist (needs the catalog); brace and emptiness are grammar. */
export function checkVariableKeys(r: FileReporter, st: Record<string, unknown>, p: string, catalog: IamCatalog): void {
  for (const [s, vp] of variableSites(st, p)) {
    for (const v of scanVariables(undefined, s, vp)) {
      const found = catalog.findKey(v.key);
      // a key AWS's own managed policies use is not proven wrong by the catalog's silence
      if (found.kind !== 'unknown' || catalog.index.evidence.keys[v.key.toLowerCase()]) continue;
      r.error('iam/variable-unknown', vp, `policy variable ${v.text} names ${show(v.key)}, which is not a condition key; no request carries it, so IAM cannot replace it and the value matches nothing`, {
        hint: found.suggestion ? `Did you mean \${${found.suggestion}}?` : 'Use a global key such as ${aws:username} or ${aws:PrincipalTag/<tag>}.',
      });
    }
  }
}
