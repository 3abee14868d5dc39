import type { ErrorObject, ValidateFunction } from 'ajv';
import { FileReporter, child, didYouMean, show } from './rule-context';
import assignmentSchema from './schemas/assignment.schema.json';
import permissionSetSchema from './schemas/permission-set.schema.json';
import policyMetaSchema from './schemas/policy-meta.schema.json';
import settingsSchema from './schemas/settings.schema.json';

/** The schema-checked file kinds. */
export type SchemaKind = 'permission-set' | 'assignment' | 'policy-meta' | 'settings';

const SCHEMAS: Record<SchemaKind, object> = {
  'permission-set': permissionSetSchema,
  assignment: assignmentSchema,
  'policy-meta': policyMetaSchema,
  settings: settingsSchema,
};

const NOUN: Record<SchemaKind, string> = {
  'permission-set': 'permission set',
  assignment: 'assignment',
  'policy-meta': 'policy metadata',
  settings: 'cdktf.json',
};

let ajv: import('ajv').default | undefined;
const compiled = new Map<SchemaKind, ValidateFunction>();

/** Validators compiled at build time (scripts/build-data.js), when running from dist/. */
function precompiled(): Partial<Record<SchemaKind, ValidateFunction>> | undefined {
  try {
    return require('./schemas.compiled.js') as Partial<Record<SchemaKind, ValidateFunction>>;
  } catch {
    return undefined; // running from source: compile below
  }
}
const built = precompiled();

function validator(kind: SchemaKind): ValidateFunction {
  const ready = built?.[kind];
  if (ready) return ready;
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  ajv ??= new Ajv({ allErrors: true, strict: false, verbose: true });
  let v = compiled.get(kind);
  if (!v) {
    v = ajv.compile(SCHEMAS[kind]);
    compiled.set(kind, v);
  }
  return v;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v}`;
}

/**
 * Checks `file.value` (or the value at `pointer` inside it) against the kind's JSON Schema and reports
 * every problem. `skip` drops errors under given pointers that a dedicated rule explains better.
 */
export function checkSchema(r: FileReporter, kind: SchemaKind, options: { pointer?: string; skip?: RegExp } = {}): boolean {
  const base = options.pointer ?? '';
  let value: unknown = r.file.value;
  if (base) {
    for (const seg of base.slice(1).split('/')) value = (value as Record<string, unknown> | undefined)?.[seg];
  }
  const validate = validator(kind);
  validate(value);
  const errors = (validate.errors ?? []).filter((e) => !['if', 'oneOf', 'allOf'].includes(e.keyword));
  let ok = true;
  for (const e of errors) {
    const pointer = base + e.instancePath;
    if (options.skip?.test(pointer)) continue;
    ok = false;
    report(r, kind, e, pointer);
  }
  return ok;
}

function fieldName(pointer: string, kind: SchemaKind): string {
  const segs = pointer.split('/').filter(Boolean);
  return segs.length ? segs.join('.') : NOUN[kind];
}

function report(r: FileReporter, kind: SchemaKind, e: ErrorObject, pointer: string): void {
  const field = fieldName(pointer, kind);
  const described = (e.parentSchema as { description?: string } | undefined)?.description;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      const guess = didYouMean(key, allowed);
      r.error('schema/unknown-key', child(pointer, key), `unknown key ${show(key)} in ${kind === 'settings' ? field : NOUN[kind]}; expected one of ${allowed.join(', ')}`, {
        at: 'key',
        hint: guess ? `Did you mean ${show(guess)}? An unknown key is an error so that a typo never drops a policy silently.` : 'An unknown key is an error so that a typo never drops a policy silently.',
      });
      return;
    }
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      r.error('schema/missing-key', pointer, `${kind === 'settings' ? field : NOUN[kind]} has no ${show(missing)}; it is required`);
      return;
    }
    case 'type': {
      const expected = (e.params as { type: string | string[] }).type;
      r.error('schema/type', pointer, `${field} is ${typeOf(e.data)} (${show(e.data)}); expected ${Array.isArray(expected) ? expected.join(' or ') : expected === 'object' ? 'a mapping' : expected === 'array' ? 'a list' : `a ${expected}`}`);
      return;
    }
    case 'enum':
    case 'const': {
      const allowed = e.keyword === 'enum' ? (e.params as { allowedValues: unknown[] }).allowedValues : [(e.params as { allowedValue: unknown }).allowedValue];
      r.error('schema/value', pointer, `${field} is ${show(e.data)}; expected ${allowed.map((a) => show(a)).join(' or ')}`);
      return;
    }
    default:
      r.error('schema/value', pointer, `${field} is ${show(e.data)}; expected ${described ? lowerFirst(described) : e.message}`, {
        hint: e.keyword === 'pattern' ? `It must match ${(e.params as { pattern: string }).pattern}.` : undefined,
      });
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
