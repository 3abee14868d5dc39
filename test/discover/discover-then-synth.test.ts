import * as fs from 'node:fs';
import * as path from 'node:path';
import { GetPolicyCommand, GetPolicyVersionCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { discoverCommand } from '../../src/cli/commands/discover';
import { synthCommand } from '../../src/cli/commands/synth';
import { writeRepo } from '../helpers/repo';
import { org } from '../helpers/synth';

const sts = mockClient(STSClient);
const iam = mockClient(IAMClient);

describe('discover, then synth (end to end)', () => {
  beforeEach(() => {
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    sts.reset();
    iam.reset();
    sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date() } });
    // Prism-S3Read already exists, untagged, in 111111111111; everything else is absent
    iam.on(GetPolicyCommand).rejects(new NoSuchEntityException({ message: 'not found', $metadata: {} }));
    iam.on(GetPolicyCommand, { PolicyArn: 'arn:aws:iam::111111111111:policy/Prism-S3Read' }).resolves({ Policy: { DefaultVersionId: 'v4', Tags: [{ Key: 'owner', Value: 'legacy' }] } });
    iam.on(GetPolicyVersionCommand).resolves({ PolicyVersion: { Document: '%7B%7D' } });
  });
  afterEach(() => jest.restoreAllMocks());

  const stackOf = (dir: string, account: string) => JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.out', 'stacks', `account-${account}`, 'cdk.tf.json'), 'utf8'));

  test('an untagged existing policy comes out as an import with a stable Prism:AdoptedAt', async () => {
    const dir = writeRepo(org());
    // WHEN discover and synth run, as in CI
    expect(await discoverCommand(['--dir', dir, '--all'])).toBe(0);
    const results = JSON.parse(fs.readFileSync(path.join(dir, '.prism', 'discovery.json'), 'utf8'));
    expect(Object.keys(results.accounts).sort()).toEqual(['111111111111', '222222222222', '333333333333']);
    expect(results.accounts['111111111111'].policies.S3Read.state).toBe('unmanaged');
    expect(await synthCommand(['--dir', dir, '--quiet'])).toBe(0);
    const first = stackOf(dir, '111111111111');

    // THEN the policy is imported, tagged as adopted, and its document overwritten
    expect(first.import).toEqual([{ to: 'aws_iam_policy.cmp_S3Read', id: 'arn:aws:iam::111111111111:policy/Prism-S3Read' }]);
    const tags = first.resource.aws_iam_policy.cmp_S3Read.tags;
    expect(tags['Prism:Adopted']).toBe('true');
    expect(tags['Prism:AdoptedAt']).toBe(results.accounts['111111111111'].policies.S3Read.adoptedAt);
    expect(stackOf(dir, '222222222222').import).toBeUndefined();

    // and a second discovery and synth, later, keep the same timestamp
    await new Promise((r) => setTimeout(r, 20));
    expect(await discoverCommand(['--dir', dir, '--all'])).toBe(0);
    expect(await synthCommand(['--dir', dir, '--quiet'])).toBe(0);
    expect(stackOf(dir, '111111111111')).toEqual(first);
  });

  test('--strict fails when an account cannot be looked up; without it the failure is only recorded', async () => {
    sts.on(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::333333333333:role/PrismPlan' }).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const dir = writeRepo(org());
    expect(await discoverCommand(['--dir', dir, '--all'])).toBe(0);
    const results = JSON.parse(fs.readFileSync(path.join(dir, '.prism', 'discovery.json'), 'utf8'));
    expect(results.accounts['333333333333']).toMatchObject({ status: 'error', error: { code: 'AccessDenied' } });
    expect(await discoverCommand(['--dir', dir, '--all', '--strict'])).toBe(1);
  });

  test('prism discover needs --base or --all', async () => {
    await expect(discoverCommand(['--dir', writeRepo(org())])).rejects.toThrow(/--base REF .* or --all/);
  });
});
