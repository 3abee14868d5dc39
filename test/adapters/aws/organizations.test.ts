/**
 * Resolving organizational units through AWS Organizations, against moto's organizations (a real
 * HTTP API, not a mock): nested OUs, the root, closed accounts, an OU that does not exist.
 */
import { CloseAccountCommand, CreateAccountCommand, CreateOrganizationalUnitCommand, CreateOrganizationCommand, ListRootsCommand, MoveAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { resolveOrganizationalUnits } from '../../../src/adapters/aws/organizations';
import { resolveSettings } from '../../../src/core/settings';
import { describeWithMoto, E2E_REGION, Moto, useEmulatorInProcess } from '../../e2e/harness';

const MANAGEMENT = '777777777777';

describeWithMoto('organizational units through AWS Organizations (moto)', (python) => {
  let moto: Moto;
  let org: OrganizationsClient;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    moto = await Moto.start(python);
    const sts = new STSClient({ region: E2E_REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'prism-e2e', secretAccessKey: 'x' } });
    const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MANAGEMENT}:role/Admin`, RoleSessionName: 'setup' }));
    sts.destroy();
    org = new OrganizationsClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! } });
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    ids.root = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
    ids.workloads = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: ids.root, Name: 'Workloads' }))).OrganizationalUnit!.Id!;
    ids.teams = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: ids.workloads, Name: 'Teams' }))).OrganizationalUnit!.Id!;
    const account = async (name: string, parent: string) => {
      const id = (await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.invalid` }))).CreateAccountStatus!.AccountId!;
      if (parent !== ids.root) await org.send(new MoveAccountCommand({ AccountId: id, SourceParentId: ids.root, DestinationParentId: parent }));
      return id;
    };
    ids.w1 = await account('w1', ids.workloads);
    ids.t1 = await account('t1', ids.teams);
    ids.closed = await account('closed', ids.teams);
    ids.loose = await account('loose', ids.root);
    await org.send(new CloseAccountCommand({ AccountId: ids.closed }));
  }, 60_000);
  afterAll(async () => {
    org?.destroy();
    await moto?.stop();
  });
  useEmulatorInProcess(() => moto);

  const options = () => ({ account: MANAGEMENT, role: resolveSettings(undefined).planRole, region: E2E_REGION, now: () => new Date('2026-11-24T00:00:00.000Z') });

  test('an OU resolves to its active accounts and those of its child OUs, with its name', async () => {
    const s = await resolveOrganizationalUnits([ids.workloads, ids.teams], options());
    expect(s.resolvedAt).toBe('2026-11-24T00:00:00.000Z');
    expect(s.organizationalUnits[ids.workloads]).toEqual({ name: 'Workloads', accounts: [ids.w1, ids.t1].sort() });
    expect(s.organizationalUnits[ids.teams]).toEqual({ name: 'Teams', accounts: [ids.t1] });
  });

  test('the root resolves to every active account of the organisation', async () => {
    const s = await resolveOrganizationalUnits([ids.root], options());
    expect(s.organizationalUnits[ids.root].accounts).toEqual(expect.arrayContaining([ids.w1, ids.t1, ids.loose]));
    expect(s.organizationalUnits[ids.root].accounts).not.toContain(ids.closed);
  });

  test('an OU that does not exist is an external error that names it', async () => {
    await expect(resolveOrganizationalUnits(['ou-zzzz-doesnotexist'], options())).rejects.toThrow(/AWS Organizations cannot list organizational unit ou-zzzz-doesnotexist/);
  });
});
