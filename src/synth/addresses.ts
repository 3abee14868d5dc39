/**
 * Terraform addresses are a contract: renaming one replaces a resource in every account. They are
 * derived only from stable keys (policy name, permission-set name, AWS policy name), never from
 * list positions.
 */

/** Encodes a name into Terraform identifier characters, reversibly: letters, digits and - stay; any other character c becomes _xx (hex). */
export function encodeKey(name: string): string {
  let out = '';
  for (const ch of name) {
    if (/[A-Za-z0-9-]/.test(ch)) out += ch;
    else out += '_' + ch.codePointAt(0)!.toString(16).padStart(2, '0');
  }
  return out;
}

/** Logical ID of the `Prism-<name>` policy. */
export const policyId = (policy: string) => `cmp_${encodeKey(policy)}`;
/** Logical ID of a permission set's role. */
export const roleId = (permissionSet: string) => `role_${encodeKey(permissionSet)}`;
/** Logical ID of a CMP attachment to a permission set's role. */
export const cmpAttachmentId = (permissionSet: string, policy: string) => `${roleId(permissionSet)}__cmp_${encodeKey(policy)}`;
/** Logical ID of an AWS managed policy attachment. */
export const awsAttachmentId = (permissionSet: string, awsPolicyName: string) => `${roleId(permissionSet)}__aws_${encodeKey(awsPolicyName)}`;
/** Logical ID of a role's inline policy. */
export const inlinePolicyId = (permissionSet: string) => `${roleId(permissionSet)}__inline`;
/** Name of the stack (and its folder in cdktf.out/stacks) for an account. */
export const stackName = (account: string) => `account-${account}`;

/** The Terraform resource address (type.name) of a logical ID. */
export const address = (type: string, logicalId: string) => `${type}.${logicalId}`;
