import fc from 'fast-check';
import { LineCounter, parseDocument } from 'yaml';
import { parseSimpleYaml } from '../../src/load/simple-yaml';
import { parseYamlFile } from '../../src/load/parse-yaml';
import { escapePointerSegment, fromPointer } from '../../src/core/source-location';

function getAt(value: unknown, pointer: string): unknown {
  let v = value;
  for (const s of fromPointer(pointer)) v = (v as Record<string, unknown>)[s];
  return v;
}

/** What the full `yaml` parser makes of a text, with the options Prism uses. */
function full(text: string): { ok: boolean; value?: unknown } {
  const doc = parseDocument(text, { lineCounter: new LineCounter(), uniqueKeys: true, prettyErrors: false, strict: true });
  if (doc.errors.length > 0 || doc.warnings.length > 0) return { ok: false };
  return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
}

/** Every JSON pointer into a value. */
function pointers(value: unknown, base = ''): string[] {
  if (Array.isArray(value)) return [base, ...value.flatMap((v, i) => pointers(v, `${base}/${i}`))];
  if (value && typeof value === 'object') return [base, ...Object.entries(value).flatMap(([k, v]) => pointers(v, `${base}/${escapePointerSegment(k)}`))];
  return [base];
}

// scalars of the kinds Prism's files hold, plus the awkward ones
const scalarText = fc.oneof(
  fc.constantFrom('Allow', 'Deny', 's3:GetObject', 'arn:aws:s3:::bucket/*', '2012-10-17', 'PT8H', '111111111111', '012345678901', 'a b', 'x#y', "it's", 'a: b', '*', '-', '- x', 'true', 'null', '~', '1e3', '0x1F', '.inf', '', ' lead', 'trail ', '"q"', "'s'", '#c', '&a', '!t', '%p', '@x', '`b', '[1]', '{a: 1}', 'ü', '\\', 'a\\u0041', 'tab\tin'),
  fc.string({ maxLength: 12 }),
);
const keyText = fc.oneof(fc.constantFrom('Effect', 'Action', 'aws:SourceIp', 'Statement', 'description', 'a b', 'true', '1', '<<', '__proto__', '-x', '"k"', 'k#', 'k:', 'ключ'), fc.string({ maxLength: 8 }));

type Tree = { kind: 'scalar'; text: string; style: 0 | 1 | 2 } | { kind: 'map'; entries: [string, number, Tree][] } | { kind: 'seq'; items: Tree[] };

const tree: fc.Arbitrary<Tree> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('scalar'),
    tie('map'),
    tie('seq'),
  ),
  scalar: fc.record({ kind: fc.constant('scalar' as const), text: scalarText, style: fc.constantFrom(0 as const, 1 as const, 2 as const) }),
  map: fc.record({ kind: fc.constant('map' as const), entries: fc.array(fc.tuple(keyText, fc.nat(2), tie('node')), { minLength: 1, maxLength: 4 }) }),
  seq: fc.record({ kind: fc.constant('seq' as const), items: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
})).map as unknown as fc.Arbitrary<Tree>;

function renderScalar(s: { text: string; style: 0 | 1 | 2 }): string {
  if (s.style === 1) return JSON.stringify(s.text);
  if (s.style === 2) return `'${s.text.replace(/'/g, "''")}'`;
  return s.text;
}

/** Renders a tree in block style; `choice` varies spacing, comments and where nested blocks start. */
function render(t: Tree, indent: number, choice: number): string[] {
  const pad = ' '.repeat(indent);
  if (t.kind === 'scalar') return [pad + renderScalar(t)];
  if (t.kind === 'map') {
    return t.entries.flatMap(([k, style, v]) => {
      const key = style === 1 ? JSON.stringify(k) : style === 2 ? `'${k.replace(/'/g, "''")}'` : k;
      if (v.kind === 'scalar') return [`${pad}${key}: ${renderScalar(v)}${choice % 3 === 0 ? ' # note' : ''}`];
      const childIndent = v.kind === 'seq' && choice % 2 === 0 ? indent : indent + 2;
      return [`${pad}${key}:`, ...(choice % 5 === 0 ? [''] : []), ...render(v, childIndent, choice + 1)];
    });
  }
  return t.items.flatMap((item) => {
    if (item.kind === 'scalar') return [`${pad}- ${renderScalar(item)}`];
    if (item.kind === 'map' && choice % 2 === 1) {
      const lines = render(item, indent + 2, choice + 1);
      return [`${pad}- ${lines[0].slice(indent + 2)}`, ...lines.slice(1)];
    }
    return [`${pad}-`, ...render(item, indent + 2, choice + 1)];
  });
}

const documents = fc.tuple(tree, fc.nat(7)).map(([t, choice]) => render(t.kind === 'scalar' ? { kind: 'map', entries: [['k', 0, t]] } : t, 0, choice).join('\n') + '\n');

/** A document with a random edit: a character inserted, deleted or replaced. */
const edited = fc.tuple(documents, fc.nat(), fc.constantFrom('', ' ', '\n', ':', '-', '#', '"', "'", '\t', '\r', '&', '*', '[', '{', '|', '>', '?', 'x', '\\')).map(([doc, at, c]) => {
  const i = at % (doc.length + 1);
  return at % 2 === 0 ? doc.slice(0, i) + c + doc.slice(i) : doc.slice(0, i) + c + doc.slice(i + 1);
});

describe('load: the fast YAML subset parser', () => {
  test('where it answers, it gives what the yaml package gives, with the same lines', () => {
    let answered = 0;
    fc.assert(
      fc.property(fc.oneof(documents, edited), (text) => {
        const fast = parseSimpleYaml(text);
        if (!fast) return;
        answered++;
        const ref = full(text);
        // THEN: yaml accepts it too, with the same value
        expect(ref.ok).toBe(true);
        expect(fast.value).toStrictEqual(ref.value);
        // and every pointer lands on the same line and column as through the yaml syntax tree
        const viaFast = parseYamlFile('x.yaml', 'assignment', text).file!;
        const viaYaml = parseYamlFile('x.yaml', 'assignment', text, { fastPath: false }).file!;
        for (const p of pointers(fast.value)) {
          const got = viaFast.locate(p);
          const want = viaYaml.locate(p);
          // an empty value: yaml places it after the colon, the fast parser at its key (same line)
          expect(got.line).toBe(want.line);
          if (getAt(fast.value, p) !== null) expect(got.column).toBe(want.column);
          expect(viaFast.locateKey(p)).toEqual(viaYaml.locateKey(p));
        }
      }),
      { numRuns: Number(process.env.YAML_RUNS ?? 3000) },
    );
    // the generator must exercise the fast path, not only the fallback
    expect(answered).toBeGreaterThan(300);
  });
});
