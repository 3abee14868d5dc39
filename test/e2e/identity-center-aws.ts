/**
 * IAM Identity Center, the identity store and AWS Organizations in the emulator, read and changed
 * with the AWS SDK from the management account, as an administrator would in the console.
 */
import { CreateGroupCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import {
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  CreateAccountAssignmentCommand,
  ListAccountAssignmentsCommand,
  ListCustomerManagedPolicyReferencesInPermissionSetCommand,
  ListInstancesCommand,
  ListManagedPoliciesInPermissionSetCommand,
  ListPermissionSetsCommand,
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { DeletePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { E2E_REGION, Moto } from './harness';

const ROOT = { accessKeyId: 'prism-e2e', secretAccessKey: 'prism-e2e-not-a-secret' };

/** A permission set as IAM Identity Center holds it. */
export interface LivePermissionSet {
  readonly arn: string;
  readonly name: string;
  readonly sessionDuration?: string;
  readonly managedPolicies: string[];
  /** `<path><name>` of each customer managed policy reference. */
  readonly customerManagedPolicies: string[];
  readonly inlinePolicy: string;
}

/** The management account's view of Identity Center, the identity store and Organizations. */
export class IdentityCenter {
  private credentials?: Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }>;
  private readonly clients: { destroy(): void }[] = [];

  constructor(
    private readonly moto: Moto,
    readonly management: string,
  ) {}

  private creds(account = this.management) {
    const sts = new STSClient({ region: E2E_REGION, endpoint: this.moto.endpoint, credentials: ROOT });
    const get = async () => {
      const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, RoleSessionName: 'prism-e2e-admin' }));
      sts.destroy();
      return { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! };
    };
    if (account !== this.management) return get();
    return (this.credentials ??= get());
  }

  private async client<T extends { destroy(): void }>(make: (config: { region: string; endpoint: string; credentials: Awaited<ReturnType<IdentityCenter['creds']>> }) => T, account?: string): Promise<T> {
    const c = make({ region: E2E_REGION, endpoint: this.moto.endpoint, credentials: await this.creds(account) });
    this.clients.push(c);
    return c;
  }

  /** Closes every client's connections. */
  close(): void {
    for (const c of this.clients) c.destroy();
  }

  /** The instance moto made for the management account in the e2e region. */
  async instance(): Promise<{ instanceArn: string; identityStoreId: string }> {
    const sso = await this.client((c) => new SSOAdminClient(c));
    const { Instances } = await sso.send(new ListInstancesCommand({}));
    return { instanceArn: Instances![0].InstanceArn!, identityStoreId: Instances![0].IdentityStoreId! };
  }

  async createGroup(identityStoreId: string, name: string): Promise<string> {
    const store = await this.client((c) => new IdentitystoreClient(c));
    return (await store.send(new CreateGroupCommand({ IdentityStoreId: identityStoreId, DisplayName: name }))).GroupId!;
  }

  /** Every permission set of the instance, by name, with what it holds. */
  async permissionSets(instanceArn: string): Promise<Map<string, LivePermissionSet>> {
    const sso = await this.client((c) => new SSOAdminClient(c));
    const out = new Map<string, LivePermissionSet>();
    for (const arn of (await sso.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn }))).PermissionSets ?? []) {
      const { PermissionSet: ps } = await sso.send(new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }));
      const managed = await sso.send(new ListManagedPoliciesInPermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }));
      const cmps = await sso.send(new ListCustomerManagedPolicyReferencesInPermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }));
      const inline = await sso.send(new GetInlinePolicyForPermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }));
      out.set(ps!.Name!, {
        arn,
        name: ps!.Name!,
        sessionDuration: ps!.SessionDuration,
        managedPolicies: (managed.AttachedManagedPolicies ?? []).map((m) => m.Name!).sort(),
        customerManagedPolicies: (cmps.CustomerManagedPolicyReferences ?? []).map((r) => `${r.Path ?? '/'}${r.Name}`).sort(),
        inlinePolicy: inline.InlinePolicy ?? '',
      });
    }
    return out;
  }

  /** The principals a permission set is assigned to in an account. */
  async assignments(instanceArn: string, permissionSetArn: string, account: string): Promise<string[]> {
    const sso = await this.client((c) => new SSOAdminClient(c));
    const { AccountAssignments } = await sso.send(new ListAccountAssignmentsCommand({ InstanceArn: instanceArn, AccountId: account, PermissionSetArn: permissionSetArn }));
    return (AccountAssignments ?? []).map((a) => `${a.PrincipalType} ${a.PrincipalId}`).sort();
  }

  /**
   * Assigns a permission set directly, as a tool that ignores ordering would: the creation status
   * (SUCCEEDED or FAILED, with AWS's FailureReason).
   */
  async assignDirectly(instanceArn: string, permissionSetArn: string, account: string, groupId: string): Promise<{ status: string; reason?: string }> {
    const sso = await this.client((c) => new SSOAdminClient(c));
    const { AccountAssignmentCreationStatus: s } = await sso.send(
      new CreateAccountAssignmentCommand({ InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, TargetId: account, TargetType: 'AWS_ACCOUNT', PrincipalType: 'GROUP', PrincipalId: groupId }),
    );
    return { status: s!.Status!, ...(s!.FailureReason ? { reason: s!.FailureReason } : {}) };
  }

  /** The AWSReservedSSO_* roles in an account (what provisioning made there), with their attached policies. */
  async reservedRoles(account: string): Promise<Map<string, string[]>> {
    const iam = await this.client((c) => new IAMClient(c), account);
    const out = new Map<string, string[]>();
    for (const r of (await iam.send(new ListRolesCommand({ PathPrefix: '/aws-reserved/sso.amazonaws.com/' }))).Roles ?? []) {
      const { AttachedPolicies } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: r.RoleName! }));
      out.set(r.RoleName!.replace(/_[0-9a-f]{16}$/, ''), (AttachedPolicies ?? []).map((p) => p.PolicyName!).sort());
    }
    return out;
  }

  /** Deletes a policy by hand (as someone in the console would). */
  async deletePolicy(account: string, name: string): Promise<void> {
    const iam = await this.client((c) => new IAMClient(c), account);
    await iam.send(new DeletePolicyCommand({ PolicyArn: `arn:aws:iam::${account}:policy/${name}` }));
  }

  // --- AWS Organizations -------------------------------------------------------------------

  private org(): Promise<OrganizationsClient> {
    return this.client((c) => new OrganizationsClient({ ...c, region: 'us-east-1' }));
  }

  /** Makes the management account an organization's; returns the root ID. */
  async createOrganization(): Promise<string> {
    const org = await this.org();
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    return (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
  }

  async createUnit(parent: string, name: string): Promise<string> {
    const org = await this.org();
    return (await org.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: name }))).OrganizationalUnit!.Id!;
  }

  /** Creates an account (in the root) and moves it into `unit`; returns its ID. */
  async createAccount(name: string, root: string, unit?: string): Promise<string> {
    const org = await this.org();
    const { CreateAccountStatus } = await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.invalid` }));
    const id = CreateAccountStatus!.AccountId!;
    if (unit) await org.send(new MoveAccountCommand({ AccountId: id, SourceParentId: root, DestinationParentId: unit }));
    return id;
  }

  async moveAccount(account: string, from: string, to: string): Promise<void> {
    const org = await this.org();
    await org.send(new MoveAccountCommand({ AccountId: account, SourceParentId: from, DestinationParentId: to }));
  }

  async closeAccount(account: string): Promise<void> {
    const org = await this.org();
    await org.send(new CloseAccountCommand({ AccountId: account }));
  }
}
