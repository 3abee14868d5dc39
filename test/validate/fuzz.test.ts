import fc from 'fast-check';
import { validateFiles } from '../helpers/repo';

const base = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::b/*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'x' } } },
  ],
};

/** A JSON value of any shape, including the awkward ones. */
const anyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 10 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Replaces the value at a random path of the base document with an arbitrary value. */
const mutated = fc
  .tuple(fc.array(fc.oneof(fc.constantFrom('Version', 'Statement', 'Sid', 'Effect', 'Action', 'Resource', 'Condition', 'StringEquals', 'Id'), fc.nat(3)), { maxLength: 5 }), anyJson)
  .map(([path, value]) => {
    const doc: any = structuredClone(base);
    let node = doc;
    for (let i = 0; i < path.length - 1; i++) {
      if (node === null || typeof node !== 'object') return doc;
      node = node[path[i] as never] ?? (node[path[i] as never] = {});
    }
    if (node !== null && typeof node === 'object' && path.length > 0) node[path[path.length - 1] as never] = value;
    return doc;
  });

describe('validate: property-based', () => {
  test('mutated documents never crash validation, and every diagnostic has a place', () => {
    fc.assert(
      fc.property(mutated, (doc) => {
        const { diagnostics } = validateFiles({ 'policies/P.json': JSON.stringify(doc, null, 2) });
        for (const d of diagnostics) {
          expect(d.location?.file).toBe('policies/P.json');
          expect(d.location!.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('arbitrary text never crashes validation', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const files = ['policies/P.json', 'permission-sets/S.yaml', 'assignments/a.yaml'];
        const { diagnostics } = validateFiles(Object.fromEntries(files.map((f) => [f, text])));
        for (const d of diagnostics) {
          expect(files).toContain(d.location?.file);
          expect(d.location!.line).toBeGreaterThanOrEqual(1);
          expect(d.location!.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});
