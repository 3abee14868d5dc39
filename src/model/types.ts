import { Settings } from '../core/settings';
import { SourceLocation } from '../core/source-location';

/** A policy document as JSON. */
export type PolicyDocument = Record<string, unknown>;

/** policies/<Name>.json: one customer managed policy (CMP), created as Prism-<Name> in each account that needs it. */
export interface CustomerManagedPolicy {
  readonly name: string;
  readonly file: string;
  readonly document: PolicyDocument;
  /** From policies/<Name>.meta.yaml; never sent to AWS. */
  readonly description?: string;
  readonly pinned?: { readonly awsManagedPolicy: string; readonly version: string };
}

/** An AWS managed policy reference, resolved to its ARN. */
export interface AwsManagedPolicyRef {
  readonly name: string;
  readonly arn: string;
}

/** permission-sets/<Name>.yaml: one IAM role per assigned account. */
export interface PermissionSet {
  readonly name: string;
  readonly file: string;
  readonly description?: string;
  readonly awsManagedPolicies: readonly AwsManagedPolicyRef[];
  readonly customerManagedPolicies: readonly string[];
  readonly inlinePolicy?: PolicyDocument;
  readonly sessionDurationSeconds: number;
  /** With `{account}` placeholders still in it. */
  readonly trustPolicy: PolicyDocument;
  readonly permissionsBoundaryArn?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** An IAM Identity Center group or user: by name (looked up in the identity store) or by ID. */
export interface Principal {
  readonly type: 'GROUP' | 'USER';
  readonly name?: string;
  readonly id?: string;
}

/** An organizational unit an assignment names, with where it is named. */
export interface OrganizationalUnitRef {
  readonly id: string;
  readonly location?: SourceLocation;
}

/** assignments/*.yaml: a permission set and the accounts that get it. */
export interface Assignment {
  readonly file: string;
  readonly permissionSet: string;
  /**
   * The accounts that get it. After validation, the IDs listed; once organizational units are
   * resolved (model/organizations.ts: expandAssignments), also every account of the units, minus
   * excludeAccounts.
   */
  readonly accounts: readonly string[];
  /** @default [] */
  readonly organizationalUnits?: readonly OrganizationalUnitRef[];
  /** @default [] */
  readonly excludeAccounts?: readonly string[];
  /** Identity Center mode: who gets the permission set. @default [] */
  readonly principals?: readonly Principal[];
}

/** Every valid document of a repository, typed. The input of `buildModel`. */
export interface RepoDocuments {
  readonly settings: Settings;
  readonly policies: ReadonlyMap<string, CustomerManagedPolicy>;
  readonly permissionSets: ReadonlyMap<string, PermissionSet>;
  readonly assignments: readonly Assignment[];
}
