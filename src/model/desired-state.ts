import { Settings } from '../core/settings';
import { IdentityCenterDesiredState } from './identity-center';

/** A Prism role in one account, from one permission set (roles mode). */
export interface RoleState {
  readonly permissionSet: string;
  readonly roleName: string;
  readonly description?: string;
  /** Normalised JSON with the account filled in. */
  readonly trustPolicy: string;
  readonly maxSessionDuration: number;
  readonly awsManagedPolicyArns: readonly { readonly name: string; readonly arn: string }[];
  readonly customerManagedPolicies: readonly string[];
  /** Normalised JSON. */
  readonly inlinePolicy?: string;
  readonly permissionsBoundaryArn?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** A `Prism-<name>` policy in one account. */
export interface PolicyState {
  readonly name: string;
  readonly policyId: string;
  /** Normalised JSON. */
  readonly document: string;
  /**
   * Permission sets in this account whose role attaches it (identity-center mode: that reference it
   * and are assigned here); empty when it is only retained.
   */
  readonly attachedTo: readonly string[];
  /** Present when the policy already exists in AWS (found by discovery) and must be imported. */
  readonly importFrom?: string;
  /** What discovery found: `unmanaged` means this change adopts it. */
  readonly discovered?: 'managed' | 'unmanaged';
  /** When Prism adopted a pre-existing policy: it keeps Prism:Adopted/Prism:AdoptedAt tags with this value. */
  readonly adoptedAt?: string;
}

/** Everything Prism manages in one AWS account. Synth reads it; preview diffs two of them. */
export interface AccountDesiredState {
  readonly account: string;
  /** Sorted by permission-set name. Empty in identity-center mode: IAM Identity Center makes the roles. */
  readonly roles: readonly RoleState[];
  /** Sorted by policy name. */
  readonly policies: readonly PolicyState[];
}

/** The desired state of every account: the hub of the pipeline. */
export interface DeploymentModel {
  readonly settings: Settings;
  /** Sorted by account ID. */
  readonly accounts: ReadonlyMap<string, AccountDesiredState>;
  /** Identity-center mode: the permission sets and account assignments of the one identity-center stack. */
  readonly identityCenter?: IdentityCenterDesiredState;
}
