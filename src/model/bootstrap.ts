import { Settings } from '../core/settings';
import { PolicyDocument } from './types';

/** Who the pipeline is: the GitHub repository, and the account where CI's OIDC roles live. */
export interface BootstrapOptions {
  /** owner/name of the GitHub repository. */
  readonly githubRepo: string;
  /** The account holding the GitHub OIDC provider and the two hub roles CI assumes first. */
  readonly hubAccount: string;
  /** @default 'main' */
  readonly branch?: string;
}

export const OIDC_HOST = 'token.actions.githubusercontent.com';
export const HUB_DEPLOY_ROLE = 'PrismDeployHub';
export const HUB_PLAN_ROLE = 'PrismPlanHub';

/** The ARNs of the two hub roles CI assumes through GitHub OIDC: the values of the repository variables. */
export function hubRoleArns(hubAccount: string): { readonly plan: string; readonly deploy: string } {
  return { plan: `arn:aws:iam::${hubAccount}:role/${HUB_PLAN_ROLE}`, deploy: `arn:aws:iam::${hubAccount}:role/${HUB_DEPLOY_ROLE}` };
}

const roleName = (arnPattern: string) => arnPattern.split(':role/').pop()!.split('/').pop()!;

/** Every IAM document the bootstrap creates, per account. Pure: the validator checks these (a test does). */
export interface BootstrapDocuments {
  readonly deployRoleName: string;
  readonly planRoleName: string;
  /** Least privilege, after AWS's guidance on controlling access to managed policies. */
  readonly deployPolicy: PolicyDocument;
  readonly planPolicy: PolicyDocument;
  readonly deployTrust: PolicyDocument;
  readonly planTrust: PolicyDocument;
  /**
   * Identity-center mode, only in the IAM Identity Center account: what Terraform needs there for the
   * identity-center stack (deploy) and its plan, each attached to the account's deploy and plan roles.
   */
  readonly identityCenter?: { readonly deployPolicy: PolicyDocument; readonly planPolicy: PolicyDocument };
  /** Only in the account Prism reads AWS Organizations from: the reads that resolve organizational units (for the plan role). */
  readonly organizationsPolicy?: PolicyDocument;
  /** Only in the hub account. */
  readonly hub?: { readonly deployTrust: PolicyDocument; readonly planTrust: PolicyDocument; readonly deployPolicy: PolicyDocument; readonly planPolicy: PolicyDocument };
}

/**
 * The deploy role may create, version, tag, untag and delete only `Prism-*` policies; manage only
 * roles under the Prism role path; and attach or detach only `Prism-*` and AWS managed policies, to
 * Prism roles only (an `iam:PolicyARN` condition). The plan role only reads. Both trust only the hub
 * roles, which trust only the repository's GitHub OIDC subjects (deploy: the main branch only).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access_controlling.html#access_controlling-policies
 */
export function bootstrapDocuments(settings: Settings, account: string, options: BootstrapOptions): BootstrapDocuments {
  const path = settings.roles.path;
  const policies = `arn:aws:iam::${account}:policy/Prism-*`;
  const roles = `arn:aws:iam::${account}:role${path}*`;
  const readPolicies = ['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListPolicyVersions', 'iam:ListPolicyTags', 'iam:ListEntitiesForPolicy'];
  const readRoles = ['iam:GetRole', 'iam:ListRoleTags', 'iam:ListRolePolicies', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListInstanceProfilesForRole'];
  const deployPolicy = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ManagePrismPolicies',
        Effect: 'Allow',
        Action: ['iam:CreatePolicy', 'iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy', 'iam:TagPolicy', 'iam:UntagPolicy', ...readPolicies],
        Resource: policies,
      },
      {
        Sid: 'ManagePrismRoles',
        Effect: 'Allow',
        Action: ['iam:CreateRole', 'iam:DeleteRole', 'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:UntagRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary', ...readRoles],
        Resource: roles,
      },
      {
        Sid: 'AttachOnlyPrismAndAwsManagedPoliciesToPrismRoles',
        Effect: 'Allow',
        Action: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
        Resource: roles,
        Condition: { ArnLike: { 'iam:PolicyARN': [policies, 'arn:aws:iam::aws:policy/*'] } },
      },
      { Sid: 'ListPolicyNames', Effect: 'Allow', Action: 'iam:ListPolicies', Resource: '*' },
    ],
  };
  const planPolicy = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ReadPrismPolicies', Effect: 'Allow', Action: readPolicies, Resource: policies },
      // names are unique whatever the path: discovery lists them to find a Prism-<name> elsewhere (no resource-level permission exists)
      { Sid: 'ListPolicyNames', Effect: 'Allow', Action: 'iam:ListPolicies', Resource: '*' },
      { Sid: 'ReadPrismRoles', Effect: 'Allow', Action: readRoles, Resource: roles },
    ],
  };
  const trustHub = (hubRole: string) => ({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TrustPrismHubRole',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${options.hubAccount}:role/${hubRole}` },
        Action: 'sts:AssumeRole',
        ...(settings.deployRole.externalId && hubRole === HUB_DEPLOY_ROLE ? { Condition: { StringEquals: { 'sts:ExternalId': settings.deployRole.externalId } } } : {}),
        ...(settings.planRole.externalId && hubRole === HUB_PLAN_ROLE ? { Condition: { StringEquals: { 'sts:ExternalId': settings.planRole.externalId } } } : {}),
      },
    ],
  });
  // identity-center mode: IAM Identity Center makes the roles, so member accounts only manage policies
  const idcMode = settings.mode === 'identity-center';
  const docs: BootstrapDocuments = {
    deployRoleName: roleName(settings.deployRole.arnPattern),
    planRoleName: roleName(settings.planRole.arnPattern),
    deployPolicy: idcMode ? { ...deployPolicy, Statement: [deployPolicy.Statement[0]] } : deployPolicy,
    planPolicy: idcMode ? { ...planPolicy, Statement: [planPolicy.Statement[0]] } : planPolicy,
    deployTrust: trustHub(HUB_DEPLOY_ROLE),
    planTrust: trustHub(HUB_PLAN_ROLE),
    ...(idcMode && settings.identityCenter?.account === account ? { identityCenter: identityCenterPolicies(settings) } : {}),
    ...(settings.organizations.account === account ? { organizationsPolicy: organizationsPolicy() } : {}),
  };
  if (account !== options.hubAccount) return docs;
  const oidc = (subjects: string[]) => ({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TrustGitHubOidc',
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/${OIDC_HOST}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${OIDC_HOST}:aud`]: 'sts.amazonaws.com', [`${OIDC_HOST}:sub`]: subjects } },
      },
    ],
  });
  const assume = (name: string) => ({
    Version: '2012-10-17',
    Statement: [{ Sid: 'AssumePrismRoleInEachAccount', Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: `arn:aws:iam::*:role/${name}` }],
  });
  const branch = options.branch ?? 'main';
  return {
    ...docs,
    hub: {
      // the write role trusts only the main branch; the plan role also pull requests (and main, for the drift schedule)
      deployTrust: oidc([`repo:${options.githubRepo}:ref:refs/heads/${branch}`]),
      planTrust: oidc([`repo:${options.githubRepo}:pull_request`, `repo:${options.githubRepo}:ref:refs/heads/${branch}`]),
      deployPolicy: assume(docs.deployRoleName),
      planPolicy: assume(docs.planRoleName),
    },
  };
}

/**
 * What Terraform needs in the IAM Identity Center account for the identity-center stack, and no
 * more: the permission-set and account-assignment actions on this instance only (its permission sets
 * and the accounts it assigns), and identity-store reads to look named groups and users up. The plan
 * role gets only the reads.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsiamidentitycentersuccessortoawssinglesign-on.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentitystore.html
 */
export function identityCenterPolicies(settings: Settings): { deployPolicy: PolicyDocument; planPolicy: PolicyDocument } {
  const idc = settings.identityCenter!;
  const partition = /^arn:([^:]+):/.exec(idc.instanceArn)?.[1] ?? 'aws';
  const instanceId = idc.instanceArn.split('/').pop()!;
  const ssoResources = [idc.instanceArn, `arn:${partition}:sso:::permissionSet/${instanceId}/*`, `arn:${partition}:sso:::account/*`];
  const storeResources = [`arn:${partition}:identitystore::${idc.account}:identitystore/${idc.identityStoreId}`, `arn:${partition}:identitystore:::group/*`, `arn:${partition}:identitystore:::user/*`];
  const ssoRead = [
    'sso:DescribePermissionSet',
    'sso:ListTagsForResource',
    'sso:ListManagedPoliciesInPermissionSet',
    'sso:ListCustomerManagedPolicyReferencesInPermissionSet',
    'sso:GetInlinePolicyForPermissionSet',
    'sso:GetPermissionsBoundaryForPermissionSet',
    'sso:ListAccountAssignments',
    'sso:DescribePermissionSetProvisioningStatus',
    'sso:DescribeAccountAssignmentCreationStatus',
    'sso:DescribeAccountAssignmentDeletionStatus',
  ];
  const ssoWrite = [
    'sso:CreatePermissionSet',
    'sso:UpdatePermissionSet',
    'sso:DeletePermissionSet',
    'sso:TagResource',
    'sso:UntagResource',
    'sso:AttachManagedPolicyToPermissionSet',
    'sso:DetachManagedPolicyFromPermissionSet',
    'sso:AttachCustomerManagedPolicyReferenceToPermissionSet',
    'sso:DetachCustomerManagedPolicyReferenceFromPermissionSet',
    'sso:PutInlinePolicyToPermissionSet',
    'sso:DeleteInlinePolicyFromPermissionSet',
    'sso:PutPermissionsBoundaryToPermissionSet',
    'sso:DeletePermissionsBoundaryFromPermissionSet',
    'sso:ProvisionPermissionSet',
    'sso:CreateAccountAssignment',
    'sso:DeleteAccountAssignment',
  ];
  const storeRead = ['identitystore:GetGroupId', 'identitystore:GetUserId', 'identitystore:DescribeGroup', 'identitystore:DescribeUser'];
  const doc = (sso: string[]) => ({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'PermissionSetsAndAssignmentsOfThisInstance', Effect: 'Allow', Action: sso, Resource: ssoResources },
      { Sid: 'LookUpNamedGroupsAndUsers', Effect: 'Allow', Action: storeRead, Resource: storeResources },
    ],
  });
  return { deployPolicy: doc([...ssoWrite, ...ssoRead]), planPolicy: doc(ssoRead) };
}

/**
 * The reads that resolve organizational units to accounts (prism organizations, prism discover), for
 * the plan role in the management or delegated-administrator account.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html
 */
export function organizationsPolicy(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ResolveOrganizationalUnits',
        Effect: 'Allow',
        Action: ['organizations:ListRoots', 'organizations:DescribeOrganizationalUnit', 'organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
        Resource: '*',
      },
    ],
  };
}
