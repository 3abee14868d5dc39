import { PolicyDocument } from './types';

const TOP_ORDER = ['Version', 'Id', 'Statement'];
const STATEMENT_ORDER = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];

function ordered(obj: Record<string, unknown>, order: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (k in obj) out[k] = obj[k];
  for (const k of Object.keys(obj).sort()) if (!(k in out)) out[k] = obj[k];
  return out;
}

function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeysDeep((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/**
 * The document as Prism sends it: keys in IAM's conventional order (Version, Statement; Sid, Effect,
 * Action, Resource, Condition), condition blocks sorted, a single statement object wrapped in a list,
 * no whitespace. List order is kept: it is the author's. Two documents that differ only in formatting
 * normalise to the same string, so a reformat never shows as an edit.
 */
export function normalizePolicy(doc: PolicyDocument): PolicyDocument {
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return ordered(
    {
      ...doc,
      Statement: statements.map((s) => {
        const st = ordered(s as Record<string, unknown>, STATEMENT_ORDER);
        if (st.Condition) st.Condition = sortKeysDeep(st.Condition);
        return st;
      }),
    },
    TOP_ORDER,
  );
}

/** `normalizePolicy` as minified JSON text. */
export function normalizePolicyText(doc: PolicyDocument): string {
  return JSON.stringify(normalizePolicy(doc));
}

/** Replaces `{account}` (and other placeholders) everywhere in a JSON value. */
export function substitute<T>(value: T, vars: Record<string, string>): T {
  if (typeof value === 'string') return value.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m) as T;
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)])) as T;
  }
  return value;
}
