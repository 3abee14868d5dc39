/**
 * Reads IAM back from the emulator, and makes the changes a person would make in the console, with
 * the AWS SDK: each account is reached by assuming a role into it, as prism and terraform do.
 */
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListPolicyVersionsCommand,
  NoSuchEntityException,
  TagPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { E2E_REGION, Moto } from './harness';

/** A Prism policy as IAM holds it. */
export interface LivePolicy {
  readonly arn: string;
  readonly path: string;
  readonly description?: string;
  readonly tags: Record<string, string>;
  readonly attachmentCount: number;
  readonly defaultVersionId: string;
  /** The default version's document, as text (URL-decoded). */
  readonly documentText: string;
  readonly versions: number;
}

const ROOT = { accessKeyId: 'prism-e2e', secretAccessKey: 'prism-e2e-not-a-secret' };

/** IAM in several emulated accounts. */
export class Iam {
  private readonly clients = new Map<string, Promise<IAMClient>>();

  constructor(private readonly moto: Moto) {}

  private client(account: string): Promise<IAMClient> {
    let c = this.clients.get(account);
    if (!c) {
      c = (async () => {
        const sts = new STSClient({ region: E2E_REGION, endpoint: this.moto.endpoint, credentials: ROOT });
        const { Credentials: cr } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, RoleSessionName: 'prism-e2e-console' }));
        return new IAMClient({
          region: E2E_REGION,
          endpoint: this.moto.endpoint,
          credentials: { accessKeyId: cr!.AccessKeyId!, secretAccessKey: cr!.SecretAccessKey!, sessionToken: cr!.SessionToken! },
        });
      })();
      this.clients.set(account, c);
    }
    return c;
  }

  /** Closes every client's connections. */
  close(): void {
    for (const c of this.clients.values()) void c.then((client) => client.destroy());
  }

  static policyArn(account: string, name: string): string {
    return `arn:aws:iam::${account}:policy/${name}`;
  }

  /** The policy `name` (e.g. Prism-Foo) in `account`, or undefined when it does not exist. */
  async policy(account: string, name: string): Promise<LivePolicy | undefined> {
    const iam = await this.client(account);
    const arn = Iam.policyArn(account, name);
    try {
      const { Policy: p } = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
      const { PolicyVersion: v } = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: p!.DefaultVersionId! }));
      const { Versions } = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
      return {
        arn,
        path: p!.Path!,
        description: p!.Description,
        tags: Object.fromEntries((p!.Tags ?? []).map((t) => [t.Key!, t.Value!])),
        attachmentCount: p!.AttachmentCount ?? 0,
        defaultVersionId: p!.DefaultVersionId!,
        documentText: decodeURIComponent(v!.Document!),
        versions: Versions?.length ?? 0,
      };
    } catch (err) {
      if (err instanceof NoSuchEntityException) return undefined;
      throw err;
    }
  }

  /** Names of the managed policies attached to a role. */
  async attachedTo(account: string, roleName: string): Promise<string[]> {
    const iam = await this.client(account);
    const { AttachedPolicies } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
    return (AttachedPolicies ?? []).map((p) => p.PolicyName!).sort();
  }

  /** A role's description, trust policy text and tags. */
  async role(account: string, roleName: string): Promise<{ description?: string; trustPolicyText: string; tags: Record<string, string> }> {
    const iam = await this.client(account);
    const { Role: r } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    return { description: r!.Description, trustPolicyText: decodeURIComponent(r!.AssumeRolePolicyDocument!), tags: Object.fromEntries((r!.Tags ?? []).map((t) => [t.Key!, t.Value!])) };
  }

  /** An inline policy's document text. */
  async inlinePolicy(account: string, roleName: string, policyName: string): Promise<string> {
    const iam = await this.client(account);
    const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
    return decodeURIComponent(PolicyDocument!);
  }

  /** Creates a policy outside Prism (as someone in the console would). */
  async createPolicy(account: string, name: string, document: object, options: { path?: string; description?: string } = {}): Promise<string> {
    const iam = await this.client(account);
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: JSON.stringify(document), Path: options.path ?? '/', ...(options.description ? { Description: options.description } : {}) }));
    return Policy!.Arn!;
  }

  /** Creates a role outside Prism. */
  async createRole(account: string, roleName: string): Promise<void> {
    const iam = await this.client(account);
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] };
    await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trust) }));
  }

  /** Tags a policy (as someone, or an earlier Prism, would). */
  async tagPolicy(account: string, policyName: string, tags: Record<string, string>): Promise<void> {
    const iam = await this.client(account);
    await iam.send(new TagPolicyCommand({ PolicyArn: Iam.policyArn(account, policyName), Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
  }

  async deleteRole(account: string, roleName: string): Promise<void> {
    const iam = await this.client(account);
    await iam.send(new DeleteRoleCommand({ RoleName: roleName }));
  }

  async attach(account: string, roleName: string, policyName: string): Promise<void> {
    const iam = await this.client(account);
    await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: Iam.policyArn(account, policyName) }));
  }

  async detach(account: string, roleName: string, policyName: string): Promise<void> {
    const iam = await this.client(account);
    await iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: Iam.policyArn(account, policyName) }));
  }

  /** A console edit: a new version of the policy, set as the default. */
  async editInConsole(account: string, policyName: string, document: object): Promise<void> {
    const iam = await this.client(account);
    await iam.send(new CreatePolicyVersionCommand({ PolicyArn: Iam.policyArn(account, policyName), PolicyDocument: JSON.stringify(document), SetAsDefault: true }));
  }
}
