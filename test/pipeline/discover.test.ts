/**
 * The discover use case, in process: against moto for adoption (an untagged Prism-S3Read exists),
 * and, for an account whose role cannot be assumed, against a mocked SDK client.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../src/cli/main';
import { discover } from '../../src/pipeline/discover';
import { CollectingReporter } from '../../src/pipeline/reporter';
import { preview } from '../../src/pipeline/preview';
import { synth } from '../../src/pipeline/synth';
import { Iam } from '../e2e/aws';
import { describeWithMoto, Moto, useEmulatorInProcess } from '../e2e/harness';
import { change, gitRepo } from '../helpers/git';
import { writeRepo } from '../helpers/repo';
import { org } from '../helpers/synth';

const stackOf = (dir: string, account: string) => JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.out', 'stacks', `account-${account}`, 'cdk.tf.json'), 'utf8'));

describeWithMoto('discover, then synth, against the moto AWS emulator', (python) => {
  let moto: Moto;
  let iam: Iam;
  beforeAll(async () => {
    moto = await Moto.start(python);
    iam = new Iam(moto);
    // Prism-S3Read already exists, untagged, in 111111111111; everything else is absent
    await iam.createPolicy('111111111111', 'Prism-S3Read', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] });
  }, 60_000);
  useEmulatorInProcess(() => moto);
  afterAll(async () => {
    iam?.close();
    await moto?.stop();
  });

  test('an untagged existing policy comes out as an import with a stable Prism:AdoptedAt', async () => {
    const dir = writeRepo(org());
    const reporter = new CollectingReporter();
    // WHEN discover and synth run, as in CI
    const found = await discover({ dir, all: true, reporter });
    expect(found.kind).toBe('discovered');
    const results = JSON.parse(fs.readFileSync(path.join(dir, '.prism', 'discovery.json'), 'utf8'));
    expect(Object.keys(results.accounts).sort()).toEqual(['111111111111', '222222222222', '333333333333']);
    expect(results.accounts['111111111111'].policies.S3Read).toMatchObject({ state: 'unmanaged', defaultVersionId: 'v1' });
    expect(results.accounts['222222222222'].policies.S3Read).toMatchObject({ state: 'absent' });
    expect(found.kind === 'discovered' && found.counts).toMatchObject({ unmanaged: 1, failed: 0 });
    expect((await synth({ dir, reporter })).kind).toBe('synthesised');
    const first = stackOf(dir, '111111111111');

    // THEN the policy is imported, tagged as adopted, and its document overwritten
    expect(first.import).toEqual([{ to: 'aws_iam_policy.cmp_S3Read', id: 'arn:aws:iam::111111111111:policy/Prism-S3Read' }]);
    const tags = first.resource.aws_iam_policy.cmp_S3Read.tags;
    expect(tags['Prism:Adopted']).toBe('true');
    expect(tags['Prism:AdoptedAt']).toBe(results.accounts['111111111111'].policies.S3Read.adoptedAt);
    expect(stackOf(dir, '222222222222').import).toBeUndefined();

    // and a second discovery and synth, later, keep the same timestamp
    await new Promise((r) => setTimeout(r, 20));
    await discover({ dir, all: true, reporter });
    await synth({ dir, reporter });
    expect(stackOf(dir, '111111111111')).toEqual(first);
  });

  test('a Prism-<name> at another IAM path is a conflict, and the preview fails on it', async () => {
    await iam.createPolicy('333333333333', 'Prism-LogsRead', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:GetLogEvents', Resource: '*' }] }, { path: '/team/' });
    const dir = gitRepo({ ...org(), 'assignments/ops.yaml': 'permissionSet: Ops\naccounts:\n  - "222222222222"\n' });
    change(dir, { 'assignments/ops.yaml': 'permissionSet: Ops\naccounts:\n  - "222222222222"\n  - "333333333333"\n' });
    const reporter = new CollectingReporter();
    const found = await discover({ dir, base: 'HEAD', reporter });
    const results = JSON.parse(fs.readFileSync(path.join(dir, '.prism', 'discovery.json'), 'utf8'));
    expect(results.accounts['333333333333'].policies.LogsRead).toEqual({ state: 'conflict', arn: 'arn:aws:iam::333333333333:policy/team/Prism-LogsRead', path: '/team/' });
    expect(found.kind === 'discovered' && found.counts.conflict).toBe(1);
    const p = await preview({ dir, base: 'HEAD', reporter });
    expect(p.failures).toContainEqual('Prism-LogsRead cannot be created in account 333333333333: a policy of that name exists at path /team/');
    expect(p.markdown).toContain('**Name conflicts:**');
    // synth does not try to import it: the create is what would fail, and the preview said so
    await synth({ dir, reporter });
    expect(stackOf(dir, '333333333333').import).toBeUndefined();
  });

  test('a narrower run keeps what an earlier run recorded for other accounts', async () => {
    const dir = writeRepo(org());
    const reporter = new CollectingReporter();
    await discover({ dir, all: true, reporter });
    const first = JSON.parse(fs.readFileSync(path.join(dir, '.prism', 'discovery.json'), 'utf8'));
    await discover({ dir, all: true, accounts: ['222222222222'], reporter });
    const second = JSON.parse(fs.readFileSync(path.join(dir, '.prism', 'discovery.json'), 'utf8'));
    expect(Object.keys(second.accounts).sort()).toEqual(['111111111111', '222222222222', '333333333333']);
    expect(second.accounts['111111111111'].policies.S3Read.adoptedAt).toBe(first.accounts['111111111111'].policies.S3Read.adoptedAt);
  });
});

// A stand-in, for a fault moto cannot produce: it grants every AssumeRole, so a denied role needs a mocked STS client.
describe('discover: an account whose role cannot be assumed (mocked STS: moto grants every AssumeRole)', () => {
  // created here, not when the file loads: mockClient patches every STSClient in the process
  let sts: ReturnType<typeof mockClient>;
  beforeAll(() => (sts = mockClient(STSClient)));
  afterAll(() => sts.restore());

  test('is recorded and the others go on; --strict makes it exit 1', async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' }));
    const dir = writeRepo(org());
    const outcome = await discover({ dir, all: true, reporter: new CollectingReporter() });
    expect(outcome.kind === 'discovered' && outcome.counts.failed).toBe(3);
    const results = JSON.parse(fs.readFileSync(path.join(dir, '.prism', 'discovery.json'), 'utf8'));
    expect(results.accounts['333333333333']).toMatchObject({ status: 'error', error: { code: 'AccessDenied' } });
    const io = { stdout: () => undefined, stderr: () => undefined };
    expect(await main(['discover', '--dir', dir, '--all'], io)).toBe(0);
    expect(await main(['discover', '--dir', dir, '--all', '--strict'], io)).toBe(1);
  });
});
