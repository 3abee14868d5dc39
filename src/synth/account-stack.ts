import { Construct } from 'constructs';
// cdktf's own classes come from its root: every @cdktf/provider-aws module requires it anyway, and
// its deep paths have an import cycle. The provider is imported by deep path (its root costs 2.3 s).
import { LocalBackend, S3Backend, TerraformStack, TerraformVariable } from 'cdktf';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { internalError } from '../core/errors';
import { roleArnFor, Settings } from '../core/settings';
import { AccountDesiredState } from '../model/desired-state';
import { awsAttachmentId, cmpAttachmentId, inlinePolicyId, policyId, roleId } from './addresses';
import { terraformLiteral as lit, terraformLiteralMap as litMap } from './terraform-text';

/** The fixed description of every Prism policy. IAM descriptions are immutable: changing one would replace the policy. */
export const POLICY_DESCRIPTION = 'Managed by Prism';

/** Where and how an account stack keeps its state. */
export interface AccountStackOptions {
  /** For the local backend: the state file's path relative to the stack's working directory. */
  readonly localStatePath: string;
}

/** cdktf 0.21's S3Backend predates S3 native locking; this adds `use_lockfile`. */
class S3BackendWithLockfile extends S3Backend {
  constructor(
    scope: Construct,
    props: ConstructorParameters<typeof S3Backend>[1],
    private readonly useLockfile: boolean,
  ) {
    super(scope, props);
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { ...super.synthesizeAttributes(), ...(this.useLockfile ? { use_lockfile: true } : {}) };
  }
}

/**
 * One AWS account: the provider (assuming the deploy role, guarded by allowed_account_ids), the
 * Prism-<name> policies, one role per permission set with its attachments and inline policy.
 */
export class AccountStack extends TerraformStack {
  constructor(scope: Construct, id: string, state: AccountDesiredState, settings: Settings, options: AccountStackOptions) {
    super(scope, id);
    const { account } = state;

    // backend: one state per account
    const b = settings.backend;
    if (b.type === 's3') {
      new S3BackendWithLockfile(
        this,
        {
          bucket: b.bucket,
          key: `${b.keyPrefix}/${account}/terraform.tfstate`,
          region: b.region,
          encrypt: b.encrypt,
          ...(b.dynamodbTable ? { dynamodbTable: b.dynamodbTable } : {}),
          ...(b.roleArn ? { assumeRole: { roleArn: b.roleArn } } : {}),
        },
        b.useLockfile,
      );
    } else {
      new LocalBackend(this, { path: options.localStatePath });
    }

    // provider: plan passes the read-only plan role through this variable; apply uses the default.
    // A variable default is a literal, not a template, so it is the one string not encoded.
    const roleArn = new TerraformVariable(this, 'assume_role_arn', {
      type: 'string',
      default: roleArnFor(settings.deployRole, account),
      description: 'Role Terraform assumes in this account (default: the deploy role; prism plan passes the plan role).',
    });
    new AwsProvider(this, 'aws', {
      region: lit(settings.region),
      allowedAccountIds: [account],
      assumeRole: [
        {
          roleArn: roleArn.stringValue,
          sessionName: lit(settings.deployRole.sessionName),
          ...(settings.deployRole.externalId ? { externalId: lit(settings.deployRole.externalId) } : {}),
        },
      ],
    });
    // the provider version constraint: the bindings' own unless settings pin what a registry or mirror holds
    if (settings.terraform.providerVersion) this.addOverride('terraform.required_providers.aws.version', settings.terraform.providerVersion);

    // policies
    const policies = new Map<string, IamPolicy>();
    for (const p of state.policies) {
      const policy = new IamPolicy(this, policyId(p.name), {
        name: lit(`Prism-${p.name}`),
        path: '/',
        description: POLICY_DESCRIPTION,
        policy: lit(p.document),
        tags: litMap({
          'Prism:Managed': 'true',
          'Prism:CustomerPolicyID': p.policyId,
          ...(p.adoptedAt ? { 'Prism:Adopted': 'true', 'Prism:AdoptedAt': p.adoptedAt } : {}),
        }),
      });
      policy.overrideLogicalId(policyId(p.name));
      if (p.importFrom) policy.importFrom(lit(p.importFrom));
      policies.set(p.name, policy);
    }

    // roles
    for (const r of state.roles) {
      const attached = r.awsManagedPolicyArns.length + r.customerManagedPolicies.length;
      if (attached > settings.managedPolicyBudget) {
        // validation rejects this first; a role over the quota would fail in AWS half-way through an apply
        throw internalError(`role ${r.roleName} in ${account} would get ${attached} managed policies; the budget is ${settings.managedPolicyBudget}`);
      }
      const role = new IamRole(this, roleId(r.permissionSet), {
        name: lit(r.roleName),
        path: lit(settings.roles.path),
        ...(r.description ? { description: lit(r.description) } : {}),
        assumeRolePolicy: lit(r.trustPolicy),
        maxSessionDuration: r.maxSessionDuration,
        ...(r.permissionsBoundaryArn ? { permissionsBoundary: lit(r.permissionsBoundaryArn) } : {}),
        tags: litMap({ ...r.tags, 'Prism:Managed': 'true', 'Prism:PermissionSet': r.permissionSet }),
      });
      role.overrideLogicalId(roleId(r.permissionSet));
      for (const aws of r.awsManagedPolicyArns) {
        const id = awsAttachmentId(r.permissionSet, aws.name);
        new IamRolePolicyAttachment(this, id, { role: role.name, policyArn: lit(aws.arn) }).overrideLogicalId(id);
      }
      for (const cmp of r.customerManagedPolicies) {
        const id = cmpAttachmentId(r.permissionSet, cmp);
        new IamRolePolicyAttachment(this, id, { role: role.name, policyArn: policies.get(cmp)!.arn }).overrideLogicalId(id);
      }
      if (r.inlinePolicy) {
        const id = inlinePolicyId(r.permissionSet);
        new IamRolePolicy(this, id, { name: 'PrismInline', role: role.id, policy: lit(r.inlinePolicy) }).overrideLogicalId(id);
      }
    }
  }
}
