/**
 * The naming contract: what Prism calls things in AWS, in Terraform and in its own files. Synth,
 * preview, apply, the AWS adapter and the benchmark all use this one module, so a name is decided in
 * one place. Changing anything here renames resources in every account: Terraform addresses are
 * derived only from stable keys (policy name, permission-set name, AWS policy name, account ID),
 * never from list positions.
 */

/** Every Prism policy in AWS is `Prism-<name>`. */
export const POLICY_PREFIX = 'Prism-';

/** Tag keys Prism writes. Keys starting with `Prism:` are reserved in user tags. */
export const TAGS = {
  managed: 'Prism:Managed',
  customerPolicyId: 'Prism:CustomerPolicyID',
  adopted: 'Prism:Adopted',
  adoptedAt: 'Prism:AdoptedAt',
  permissionSet: 'Prism:PermissionSet',
  bootstrap: 'Prism:Bootstrap',
} as const;

/** The reserved tag key prefix. */
export const RESERVED_TAG_PREFIX = 'Prism:';

/** The fixed description of every Prism policy. IAM descriptions are immutable: changing one would replace the policy. */
export const POLICY_DESCRIPTION = 'Managed by Prism';

/** The name of the role's inline policy. */
export const INLINE_POLICY_NAME = 'PrismInline';

/** IAM's limit on a managed policy name, and what is left for a CMP name after the prefix. */
export const IAM_POLICY_NAME_MAX = 128;
export const CMP_NAME_MAX = IAM_POLICY_NAME_MAX - POLICY_PREFIX.length;

/** The IAM policy name of a CMP. */
export function policyName(cmp: string): string {
  return POLICY_PREFIX + cmp;
}

/** The ARN of a CMP's policy in an account (IAM is global: no region). */
export function policyArn(account: string, cmp: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${account}:policy/${policyName(cmp)}`;
}

/** The role ARN that a pattern with `{account}` gives in an account. */
export function accountRoleArn(arnPattern: string, account: string): string {
  return arnPattern.replace(/\{account\}/g, account);
}

/** The IAM role name a permission set gets from `roles.namePattern`. */
export function permissionSetRoleName(namePattern: string, permissionSet: string): string {
  return namePattern.replace(/\{permissionSet\}/g, permissionSet);
}

// --- Terraform addresses ---------------------------------------------------------------------

/** Encodes a name into Terraform identifier characters, reversibly: letters, digits and - stay; any other character c becomes _ and its hex code (at least two digits, e.g. `.` is `_2e`). */
export function encodeKey(name: string): string {
  let out = '';
  for (const ch of name) out += /[A-Za-z0-9-]/.test(ch) ? ch : `_${ch.codePointAt(0)!.toString(16).padStart(2, '0')}`;
  return out;
}

/** Decodes `encodeKey`. Names are IAM names (`A-Za-z0-9+=,.@_-`), so every escape is two hex digits. */
export function decodeKey(key: string): string {
  return key.replace(/_([0-9a-f]{2})/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)));
}

/** Terraform resource types of an account stack. */
export const RESOURCE_TYPES = {
  policy: 'aws_iam_policy',
  role: 'aws_iam_role',
  attachment: 'aws_iam_role_policy_attachment',
  inlinePolicy: 'aws_iam_role_policy',
} as const;

/** Logical IDs (the name part of an address) of an account stack's resources. */
export const LOGICAL_IDS = {
  policy: (cmp: string) => `cmp_${encodeKey(cmp)}`,
  role: (permissionSet: string) => `role_${encodeKey(permissionSet)}`,
  cmpAttachment: (permissionSet: string, cmp: string) => `role_${encodeKey(permissionSet)}__cmp_${encodeKey(cmp)}`,
  awsAttachment: (permissionSet: string, awsPolicyName: string) => `role_${encodeKey(permissionSet)}__aws_${encodeKey(awsPolicyName)}`,
  inlinePolicy: (permissionSet: string) => `role_${encodeKey(permissionSet)}__inline`,
} as const;

/** The Terraform address (type.name) of a CMP's policy. */
export function policyAddress(cmp: string): string {
  return `${RESOURCE_TYPES.policy}.${LOGICAL_IDS.policy(cmp)}`;
}

/** The address of a permission set's role. */
export function roleAddress(permissionSet: string): string {
  return `${RESOURCE_TYPES.role}.${LOGICAL_IDS.role(permissionSet)}`;
}

/** The address of a CMP's attachment to a permission set's role. */
export function cmpAttachmentAddress(permissionSet: string, cmp: string): string {
  return `${RESOURCE_TYPES.attachment}.${LOGICAL_IDS.cmpAttachment(permissionSet, cmp)}`;
}

/** What a resource address of an account stack is about, decoded. */
export type AddressMeaning =
  | { readonly kind: 'policy'; readonly policy: string }
  | { readonly kind: 'cmp-attachment'; readonly permissionSet: string; readonly policy: string }
  | { readonly kind: 'aws-attachment'; readonly permissionSet: string; readonly awsPolicy: string }
  | { readonly kind: 'role'; readonly permissionSet: string }
  | { readonly kind: 'inline-policy'; readonly permissionSet: string };

const KEY = '[A-Za-z0-9_-]+?';

/** Decodes an account stack's resource address; undefined for anything else. */
export function parseAddress(address: string): AddressMeaning | undefined {
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^${RESOURCE_TYPES.policy}\\.cmp_(${KEY})$`).exec(address))) return { kind: 'policy', policy: decodeKey(m[1]) };
  if ((m = new RegExp(`^${RESOURCE_TYPES.attachment}\\.role_(${KEY})__cmp_(${KEY})$`).exec(address))) return { kind: 'cmp-attachment', permissionSet: decodeKey(m[1]), policy: decodeKey(m[2]) };
  if ((m = new RegExp(`^${RESOURCE_TYPES.attachment}\\.role_(${KEY})__aws_(${KEY})$`).exec(address))) return { kind: 'aws-attachment', permissionSet: decodeKey(m[1]), awsPolicy: decodeKey(m[2]) };
  if ((m = new RegExp(`^${RESOURCE_TYPES.inlinePolicy}\\.role_(${KEY})__inline$`).exec(address))) return { kind: 'inline-policy', permissionSet: decodeKey(m[1]) };
  if ((m = new RegExp(`^${RESOURCE_TYPES.role}\\.role_(${KEY})$`).exec(address))) return { kind: 'role', permissionSet: decodeKey(m[1]) };
  return undefined;
}

/** The CMP a resource belongs to: its policy, or an attachment of it. */
export function policyOfResource(address: string): string | undefined {
  const a = parseAddress(address);
  return a && (a.kind === 'policy' || a.kind === 'cmp-attachment') ? a.policy : undefined;
}

/** The CMP an `aws_iam_policy` address manages (not its attachments). */
export function policyOfAddress(address: string): string | undefined {
  const a = parseAddress(address);
  return a?.kind === 'policy' ? a.policy : undefined;
}

/** Whether an error text names a CMP's policy (by its name as a whole word, in an ARN or on its own). */
export function textNamesPolicy(text: string, cmp: string): boolean {
  const name = policyName(cmp).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w+=,.@-])${name}(?![\\w+=,.@-])`).test(text);
}

/** Whether an error text names any Prism policy ARN. */
export function textNamesAnyPolicy(text: string): boolean {
  return text.includes(`:policy/${POLICY_PREFIX}`);
}

// --- the identity-center stack (identity-center mode) -----------------------------------------

/** The one stack of identity-center mode (and its folder in cdktf.out/stacks, and its key in plan files). */
export const IDENTITY_CENTER_STACK = 'identity-center';

/** Where IAM Identity Center puts the AWSReservedSSO_* roles it provisions: Prism's roles in identity-center mode. */
export const IDC_RESERVED_ROLE_PATH = '/aws-reserved/sso.amazonaws.com/';

/** Terraform types of the identity-center stack. */
export const IDC_RESOURCE_TYPES = {
  permissionSet: 'aws_ssoadmin_permission_set',
  managedAttachment: 'aws_ssoadmin_managed_policy_attachment',
  cmpAttachment: 'aws_ssoadmin_customer_managed_policy_attachment',
  inlinePolicy: 'aws_ssoadmin_permission_set_inline_policy',
  boundary: 'aws_ssoadmin_permissions_boundary_attachment',
  assignment: 'aws_ssoadmin_account_assignment',
  group: 'aws_identitystore_group',
  user: 'aws_identitystore_user',
} as const;

/** A principal as a stable key: `group_<name>`, `groupid_<id>`, `user_<name>`, `userid_<id>` (encoded). */
export function principalKey(p: { readonly type: 'GROUP' | 'USER'; readonly name?: string; readonly id?: string }): string {
  return `${p.type === 'GROUP' ? 'group' : 'user'}${p.id !== undefined ? 'id' : ''}_${encodeKey(p.id ?? p.name ?? '')}`;
}

/** Logical IDs of the identity-center stack, from permission-set, policy and principal names and account IDs. */
export const IDC_LOGICAL_IDS = {
  permissionSet: (permissionSet: string) => `ps_${encodeKey(permissionSet)}`,
  awsAttachment: (permissionSet: string, awsPolicyName: string) => `ps_${encodeKey(permissionSet)}__aws_${encodeKey(awsPolicyName)}`,
  cmpAttachment: (permissionSet: string, cmp: string) => `ps_${encodeKey(permissionSet)}__cmp_${encodeKey(cmp)}`,
  inlinePolicy: (permissionSet: string) => `ps_${encodeKey(permissionSet)}__inline`,
  boundary: (permissionSet: string) => `ps_${encodeKey(permissionSet)}__boundary`,
  /** One resource per permission set holds its account assignments, one instance each (for_each). */
  assignments: (permissionSet: string) => `ps_${encodeKey(permissionSet)}`,
  /** The instance key of an assignment: account and principal. */
  assignmentKey: (account: string, principal: { readonly type: 'GROUP' | 'USER'; readonly name?: string; readonly id?: string }) => `${account}__${principalKey(principal)}`,
  /** The data source that looks a named principal up in the identity store. */
  principalLookup: (principal: { readonly type: 'GROUP' | 'USER'; readonly name?: string }) => principalKey(principal),
} as const;

/** What an identity-center stack address is about, decoded. */
export type IdentityCenterAddressMeaning =
  | { readonly kind: 'permission-set' | 'aws-attachment' | 'inline-policy' | 'boundary'; readonly permissionSet: string }
  | { readonly kind: 'cmp-attachment'; readonly permissionSet: string; readonly policy: string }
  | { readonly kind: 'assignment'; readonly permissionSet: string; readonly account: string };

/** Decodes an identity-center stack address; undefined for anything else. */
export function parseIdentityCenterAddress(address: string): IdentityCenterAddressMeaning | undefined {
  const [type, name] = [address.slice(0, address.indexOf('.')), address.slice(address.indexOf('.') + 1)];
  let m: RegExpExecArray | null;
  if (type === IDC_RESOURCE_TYPES.cmpAttachment && (m = new RegExp(`^ps_(${KEY})__cmp_(${KEY})$`).exec(name))) return { kind: 'cmp-attachment', permissionSet: decodeKey(m[1]), policy: decodeKey(m[2]) };
  if (type === IDC_RESOURCE_TYPES.assignment && (m = new RegExp(`^ps_(${KEY})\\["(\\d{12})__[A-Za-z0-9_-]+"\\]$`).exec(name))) return { kind: 'assignment', permissionSet: decodeKey(m[1]), account: m[2] };
  if (type === IDC_RESOURCE_TYPES.managedAttachment && (m = new RegExp(`^ps_(${KEY})__aws_`).exec(name))) return { kind: 'aws-attachment', permissionSet: decodeKey(m[1]) };
  if (type === IDC_RESOURCE_TYPES.inlinePolicy && (m = /^ps_([A-Za-z0-9_-]+?)__inline$/.exec(name))) return { kind: 'inline-policy', permissionSet: decodeKey(m[1]) };
  if (type === IDC_RESOURCE_TYPES.boundary && (m = /^ps_([A-Za-z0-9_-]+?)__boundary$/.exec(name))) return { kind: 'boundary', permissionSet: decodeKey(m[1]) };
  if (type === IDC_RESOURCE_TYPES.permissionSet && (m = /^ps_([A-Za-z0-9_-]+)$/.exec(name))) return { kind: 'permission-set', permissionSet: decodeKey(m[1]) };
  return undefined;
}

// --- stacks and keys -------------------------------------------------------------------------

/** The name of an account's stack (and its folder in cdktf.out/stacks). */
export function stackName(account: string): string {
  return `account-${account}`;
}

/** The account of a stack name, or undefined. */
export function accountOfStack(name: string): string | undefined {
  return /^account-(\d{12})$/.exec(name)?.[1];
}

/** Map key of a (policy, account) pair. */
export function pairKey(policy: string, account: string): string {
  return `${policy}\u0000${account}`;
}
