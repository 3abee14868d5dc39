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
import { AccountDesiredState, PolicyState, RoleState } from '../model/desired-state';
import { addBackend } from './backend';
import { terraformLiteral as lit, terraformLiteralMap as litMap } from './terraform-text';

/** Where and how an account stack keeps its state. */
export interface AccountStackOptions {
  /** For the local backend: the state file's path relative to the stack's working directory. */
  readonly localStatePath: string;
}

/**
 * The part of an account stack that depends only on the account and settings: the backend, the
 * role variable, and the provider (assuming the deploy role, guarded by allowed_account_ids).
 */
export function addAccountFrame(stack: TerraformStack, account: string, settings: Settings, options: AccountStackOptions): void {
  // backend: one state per account
  addBackend(stack, settings.backend, { localStatePath: options.localStatePath, key: `${account}/terraform.tfstate` });

  // provider: plan passes the read-only plan role through this variable; apply uses the default.
  // A variable default is a literal, not a template, so it is the one string not encoded.
  const roleArn = new TerraformVariable(stack, 'assume_role_arn', {
    type: 'string',
    default: accountRoleArn(settings.deployRole.arnPattern, account),
    description: 'Role Terraform assumes in this account (default: the deploy role; prism plan passes the plan role).',
  });
  new AwsProvider(stack, 'aws', {
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
  if (settings.terraform.providerVersion) stack.addOverride('terraform.required_providers.aws.version', settings.terraform.providerVersion);
}

/** A `Prism-<name>` policy: its document, tags, and the import block when it already exists in AWS. */
export function addPolicy(stack: TerraformStack, p: PolicyState): IamPolicy {
  const id = LOGICAL_IDS.policy(p.name);
  const policy = new IamPolicy(stack, id, {
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
  return policy;
}

/** A permission set's role, its attachments (CMPs from `policies`, AWS managed by ARN) and its inline policy. */
export function addRole(stack: TerraformStack, r: RoleState, policies: ReadonlyMap<string, IamPolicy>, settings: Settings): void {
  const roleLogicalId = LOGICAL_IDS.role(r.permissionSet);
  const role = new IamRole(stack, roleLogicalId, {
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
    new IamRolePolicyAttachment(stack, id, { role: role.name, policyArn: lit(aws.arn) }).overrideLogicalId(id);
  }
  for (const cmp of r.customerManagedPolicies) {
    const id = LOGICAL_IDS.cmpAttachment(r.permissionSet, cmp);
    new IamRolePolicyAttachment(stack, id, { role: role.name, policyArn: policies.get(cmp)!.arn }).overrideLogicalId(id);
  }
  if (r.inlinePolicy) {
    const id = LOGICAL_IDS.inlinePolicy(r.permissionSet);
    new IamRolePolicy(stack, id, { name: INLINE_POLICY_NAME, role: role.id, policy: lit(r.inlinePolicy) }).overrideLogicalId(id);
  }
}

/** Refuses a role over the managed-policy budget: validation rejects it first; in AWS it would fail half-way through an apply. */
export function assertManagedPolicyBudget(state: AccountDesiredState, settings: Settings): void {
  for (const r of state.roles) {
    const attached = r.awsManagedPolicyArns.length + r.customerManagedPolicies.length;
    if (attached > settings.managedPolicyBudget) {
      throw internalError(`role ${r.roleName} in ${state.account} would get ${attached} managed policies; the budget is ${settings.managedPolicyBudget}`);
    }
  }
}

/**
 * One AWS account: the provider (assuming the deploy role, guarded by allowed_account_ids), the
 * Prism-<name> policies, one role per permission set with its attachments and inline policy.
 */
export class AccountStack extends TerraformStack {
  constructor(scope: Construct, id: string, state: AccountDesiredState, settings: Settings, options: AccountStackOptions) {
    super(scope, id);
    assertManagedPolicyBudget(state, settings);
    addAccountFrame(this, state.account, settings, options);
    const policies = new Map<string, IamPolicy>();
    for (const p of state.policies) policies.set(p.name, addPolicy(this, p));
    for (const r of state.roles) addRole(this, r, policies, settings);
  }
}
