import { Construct } from 'constructs';
// cdktf's own classes come from its root: every @cdktf/provider-aws module requires it anyway, and
// its deep paths have an import cycle. The provider is imported by deep path (its root costs 2.3 s).
import { TerraformStack, TerraformVariable } from 'cdktf';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { internalError } from '../core/errors';
import { accountRoleArn, INLINE_POLICY_NAME, LOGICAL_IDS, POLICY_DESCRIPTION, policyName, TAGS } from '../core/naming';
import { Settings } from '../core/settings';
import { AccountDesiredState } from '../model/desired-state';
import { addBackend } from './backend';
import { terraformLiteral as lit, terraformLiteralMap as litMap } from './terraform-text';

/** Where and how an account stack keeps its state. */
export interface AccountStackOptions {
  /** For the local backend: the state file's path relative to the stack's working directory. */
  readonly localStatePath: string;
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
    addBackend(this, settings.backend, { localStatePath: options.localStatePath, key: `${account}/terraform.tfstate` });

    // provider: plan passes the read-only plan role through this variable; apply uses the default.
    // A variable default is a literal, not a template, so it is the one string not encoded.
    const roleArn = new TerraformVariable(this, 'assume_role_arn', {
      type: 'string',
      default: accountRoleArn(settings.deployRole.arnPattern, account),
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
      const id = LOGICAL_IDS.policy(p.name);
      const policy = new IamPolicy(this, id, {
        name: lit(policyName(p.name)),
        path: '/',
        description: POLICY_DESCRIPTION,
        policy: lit(p.document),
        tags: litMap({
          [TAGS.managed]: 'true',
          [TAGS.customerPolicyId]: p.policyId,
          ...(p.adoptedAt ? { [TAGS.adopted]: 'true', [TAGS.adoptedAt]: p.adoptedAt } : {}),
        }),
      });
      policy.overrideLogicalId(id);
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
      const roleLogicalId = LOGICAL_IDS.role(r.permissionSet);
      const role = new IamRole(this, roleLogicalId, {
        name: lit(r.roleName),
        path: lit(settings.roles.path),
        ...(r.description ? { description: lit(r.description) } : {}),
        assumeRolePolicy: lit(r.trustPolicy),
        maxSessionDuration: r.maxSessionDuration,
        ...(r.permissionsBoundaryArn ? { permissionsBoundary: lit(r.permissionsBoundaryArn) } : {}),
        tags: litMap({ ...r.tags, [TAGS.managed]: 'true', [TAGS.permissionSet]: r.permissionSet }),
      });
      role.overrideLogicalId(roleLogicalId);
      for (const aws of r.awsManagedPolicyArns) {
        const id = LOGICAL_IDS.awsAttachment(r.permissionSet, aws.name);
        new IamRolePolicyAttachment(this, id, { role: role.name, policyArn: lit(aws.arn) }).overrideLogicalId(id);
      }
      for (const cmp of r.customerManagedPolicies) {
        const id = LOGICAL_IDS.cmpAttachment(r.permissionSet, cmp);
        new IamRolePolicyAttachment(this, id, { role: role.name, policyArn: policies.get(cmp)!.arn }).overrideLogicalId(id);
      }
      if (r.inlinePolicy) {
        const id = LOGICAL_IDS.inlinePolicy(r.permissionSet);
        new IamRolePolicy(this, id, { name: INLINE_POLICY_NAME, role: role.id, policy: lit(r.inlinePolicy) }).overrideLogicalId(id);
      }
    }
  }
}
