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
  const docs: BootstrapDocuments = {
    deployRoleName: roleName(settings.deployRole.arnPattern),
    planRoleName: roleName(settings.planRole.arnPattern),
    deployPolicy,
    planPolicy,
    deployTrust: trustHub(HUB_DEPLOY_ROLE),
    planTrust: trustHub(HUB_PLAN_ROLE),
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
