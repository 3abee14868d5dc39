/**
 * The discover adapter. Against moto: what each account holds (absent, managed, unmanaged with its
 * adoption time recorded once, the adoption tag read back, a console edit as drift). Against a mocked
 * SDK client, only what moto cannot produce: a denied AssumeRole (moto grants every one), throttling,
 * and ListEntitiesForPolicy pages (moto never truncates it).
 */
import { GetPolicyCommand, GetPolicyVersionCommand, IAMClient, ListEntitiesForPolicyCommand, ListPoliciesCommand, NoSuchEntityException } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { decodePolicyDocument, discoverAccounts } from '../../../src/adapters/aws/discover';
import { resolveSettings } from '../../../src/core/settings';
import { normalizePolicyText } from '../../../src/model/normalize';
import { Iam } from '../../e2e/aws';
import { describeWithMoto, Moto, useEmulatorInProcess } from '../../e2e/harness';

const settings = resolveSettings({ region: 'eu-west-1' });
const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
const expectedDocuments = new Map([['S3Read', normalizePolicyText(doc)], ['Old', normalizePolicyText(doc)]]);
const now = () => new Date('2026-11-23T12:00:00.000Z');

describeWithMoto('discover (against moto)', (python) => {
  let moto: Moto;
  let iam: Iam;
  beforeAll(async () => {
    moto = await Moto.start(python);
    iam = new Iam(moto);
  }, 60_000);
  useEmulatorInProcess(() => moto);
  afterAll(async () => {
    iam?.close();
    await moto?.stop();
  });

  test('absent: the policy will be created', async () => {
    const r = await discoverAccounts([{ account: '111111111111', policies: ['S3Read'], deleting: [] }], { settings, expectedDocuments, now });
    expect(r.accounts['111111111111']).toEqual({ status: 'ok', policies: { S3Read: { state: 'absent' } } });
  });

  test('a tagged policy is managed; an untagged one is adopted, its time recorded once; the adoption tag is read back', async () => {
    await iam.createPolicy('222222222222', 'Prism-S3Read', doc);
    await iam.tagPolicy('222222222222', 'Prism-S3Read', { 'Prism:Managed': 'true', 'Prism:AdoptedAt': '2026-10-01T00:00:00Z' });
    await iam.createPolicy('333333333333', 'Prism-S3Read', doc);
    const targets = ['222222222222', '333333333333'].map((account) => ({ account, policies: ['S3Read'], deleting: [] }));
    const first = await discoverAccounts(targets, { settings, expectedDocuments, now });
    expect(first.accounts['222222222222'].policies.S3Read).toEqual({ state: 'managed', arn: 'arn:aws:iam::222222222222:policy/Prism-S3Read', defaultVersionId: 'v1', adoptedAt: '2026-10-01T00:00:00Z' });
    expect(first.accounts['333333333333'].policies.S3Read).toMatchObject({ state: 'unmanaged', adoptedAt: '2026-11-23T12:00:00.000Z' });
    const later = await discoverAccounts(targets, { settings, expectedDocuments, now: () => new Date('2026-12-01T00:00:00.000Z'), previous: first });
    expect(later.accounts['333333333333'].policies.S3Read.adoptedAt).toBe('2026-11-23T12:00:00.000Z');
  });

  test('a default version edited in the console is drift', async () => {
    await iam.createPolicy('444444444444', 'Prism-S3Read', doc);
    await iam.tagPolicy('444444444444', 'Prism-S3Read', { 'Prism:Managed': 'true' });
    const edited = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
    await iam.editInConsole('444444444444', 'Prism-S3Read', edited);
    const r = await discoverAccounts([{ account: '444444444444', policies: ['S3Read'], deleting: [] }], { settings, expectedDocuments, now });
    expect(r.accounts['444444444444'].policies.S3Read).toMatchObject({ state: 'managed', defaultVersionId: 'v2', drift: { liveDocument: edited } });
  });

  test('deletes list the entities Prism did not attach', async () => {
    await iam.createPolicy('555555555555', 'Prism-Old', doc);
    await iam.createRole('555555555555', 'legacy-batch');
    await iam.attach('555555555555', 'legacy-batch', 'Prism-Old');
    const r = await discoverAccounts([{ account: '555555555555', policies: [], deleting: ['Old'] }], { settings, expectedDocuments, now });
    expect(r.accounts['555555555555'].policies.Old.nonPrismAttachments).toEqual([{ type: 'role', name: 'legacy-batch' }]);
  });
});

// A stand-in, for what moto cannot produce on demand: a denied AssumeRole, throttling, and pages.
describe('discover (mocked SDK: faults moto cannot produce)', () => {
  let sts: ReturnType<typeof mockClient>;
  let iam: ReturnType<typeof mockClient>;
  const creds = { Credentials: { AccessKeyId: 'AKIAEXAMPLE', SecretAccessKey: 'secret-value-never-printed', SessionToken: 'token', Expiration: new Date() } };
  const noSuchEntity = () => new NoSuchEntityException({ message: 'Policy arn:aws:iam::111111111111:policy/Prism-S3Read does not exist', $metadata: {} });
  beforeAll(() => {
    sts = mockClient(STSClient);
    iam = mockClient(IAMClient);
  });
  afterAll(() => {
    sts.restore();
    iam.restore();
  });
  beforeEach(() => {
    sts.reset();
    iam.reset();
    sts.on(AssumeRoleCommand).resolves(creds);
    iam.on(ListPoliciesCommand).resolves({ Policies: [], IsTruncated: false });
  });

  test('AccessDenied on AssumeRole is that account error, with the AWS code; other accounts go on', async () => {
    sts.on(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::222222222222:role/PrismPlan' }).rejects(
      Object.assign(new Error('User: arn:aws:sts::999:assumed-role/ci is not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' }),
    );
    iam.on(GetPolicyCommand).rejects(noSuchEntity());
    const r = await discoverAccounts(
      ['111111111111', '222222222222', '333333333333'].map((account) => ({ account, policies: ['S3Read'], deleting: [] })),
      { settings, expectedDocuments, now, concurrency: 2 },
    );
    expect(r.accounts['222222222222']).toEqual({ status: 'error', error: { code: 'AccessDenied', message: expect.stringContaining('not authorized') }, policies: {} });
    expect(r.accounts['111111111111'].status).toBe('ok');
    expect(r.accounts['333333333333'].status).toBe('ok');
    // nothing in the results carries credentials
    expect(JSON.stringify(r)).not.toContain('secret-value-never-printed');
  });

  test('throttling that outlasts retries is that account error', async () => {
    iam.on(GetPolicyCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const r = await discoverAccounts([{ account: '111111111111', policies: ['S3Read'], deleting: [] }], { settings, expectedDocuments, now, sleep: async () => undefined });
    expect(r.accounts['111111111111']).toMatchObject({ status: 'error', error: { code: 'Throttling' } });
  });

  test('throttling is retried with backoff until it succeeds', async () => {
    const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 }, $retryable: { throttling: true } });
    iam.on(GetPolicyCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).rejects(noSuchEntity());
    const sleeps: number[] = [];
    const sleep = async (ms: number) => void sleeps.push(ms);
    const r = await discoverAccounts([{ account: '111111111111', policies: ['S3Read'], deleting: [] }], { settings, expectedDocuments, now, sleep });
    expect(r.accounts['111111111111']).toEqual({ status: 'ok', policies: { S3Read: { state: 'absent' } } });
    expect(iam.commandCalls(GetPolicyCommand).length).toBe(3);
    // with growing backoff between attempts
    expect(sleeps.length).toBe(2);
    expect(sleeps[1]).toBeGreaterThan(sleeps[0]);
  }, 30_000);

  test('deletes list every non-Prism entity across pages of ListEntitiesForPolicy (moto never truncates it)', async () => {
    iam.on(GetPolicyCommand).resolves({ Policy: { DefaultVersionId: 'v1', Tags: [{ Key: 'Prism:Managed', Value: 'true' }] } });
    iam.on(GetPolicyVersionCommand).resolves({ PolicyVersion: { Document: encodeURIComponent(JSON.stringify(doc)) } });
    // pages served by (PathPrefix, Marker): a paginator that ignored markers would loop or miss pages
    const pages: Record<string, object> = {
      'prism:': { PolicyRoles: [{ RoleName: 'Prism-Dev' }], IsTruncated: true, Marker: 'p2' },
      'prism:p2': { PolicyRoles: [{ RoleName: 'Prism-Ops' }], IsTruncated: false },
      'all:': { PolicyRoles: [{ RoleName: 'Prism-Dev' }, { RoleName: 'legacy-batch' }], IsTruncated: true, Marker: 'a2' },
      'all:a2': { PolicyRoles: [{ RoleName: 'Prism-Ops' }], PolicyUsers: [{ UserName: 'alice' }], IsTruncated: true, Marker: 'a3' },
      'all:a3': { PolicyGroups: [{ GroupName: 'auditors' }], IsTruncated: false },
    };
    const seen: string[] = [];
    iam.on(ListEntitiesForPolicyCommand).callsFake((input: { PathPrefix?: string; Marker?: string; PolicyArn: string }) => {
      expect(input.PolicyArn).toBe('arn:aws:iam::111111111111:policy/Prism-Old');
      const key = `${input.PathPrefix === '/prism/' ? 'prism' : 'all'}:${input.Marker ?? ''}`;
      seen.push(key);
      return pages[key];
    });
    const r = await discoverAccounts([{ account: '111111111111', policies: [], deleting: ['Old'] }], { settings, expectedDocuments, now });
    expect(r.accounts['111111111111'].policies.Old.nonPrismAttachments).toEqual([
      { type: 'role', name: 'legacy-batch' },
      { type: 'user', name: 'alice' },
      { type: 'group', name: 'auditors' },
    ]);
    expect(seen).toEqual(['prism:', 'prism:p2', 'all:', 'all:a2', 'all:a3']);
  });

  test('policy documents are decoded as IAM returns them', () => {
    expect(decodePolicyDocument(encodeURIComponent('{"Version":"2012-10-17"}'))).toEqual({ Version: '2012-10-17' });
    expect(decodePolicyDocument('{"Version":"2012-10-17"}')).toEqual({ Version: '2012-10-17' });
  });
});
