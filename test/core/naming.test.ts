import { decodeKey, encodeKey, LOGICAL_IDS, parseAddress, policyArn, policyName, policyOfAddress, policyOfResource, RESOURCE_TYPES, stackName, accountOfStack, textNamesPolicy, pairKey } from '../../src/core/naming';

/** Every character IAM allows in a policy or permission-set name, in awkward places. */
const NAMES = ['S3Read', 'a.b', 'x_y', 'a+b=c,d@e-f', 'a_2eb', '_', '__cmp_', 'role_x', 'A-B', '9'];

describe('the naming contract', () => {
  test.each(NAMES)('addresses of %j decode back to their names', (name) => {
    expect(decodeKey(encodeKey(name))).toBe(name);
    expect(encodeKey(name)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(parseAddress(`${RESOURCE_TYPES.policy}.${LOGICAL_IDS.policy(name)}`)).toEqual({ kind: 'policy', policy: name });
    for (const ps of NAMES) {
      expect(parseAddress(`${RESOURCE_TYPES.attachment}.${LOGICAL_IDS.cmpAttachment(ps, name)}`)).toEqual({ kind: 'cmp-attachment', permissionSet: ps, policy: name });
      expect(parseAddress(`${RESOURCE_TYPES.attachment}.${LOGICAL_IDS.awsAttachment(ps, name)}`)).toEqual({ kind: 'aws-attachment', permissionSet: ps, awsPolicy: name });
    }
    expect(parseAddress(`${RESOURCE_TYPES.role}.${LOGICAL_IDS.role(name)}`)).toEqual({ kind: 'role', permissionSet: name });
    expect(parseAddress(`${RESOURCE_TYPES.inlinePolicy}.${LOGICAL_IDS.inlinePolicy(name)}`)).toEqual({ kind: 'inline-policy', permissionSet: name });
  });

  test('a resource belongs to a policy when it is the policy or an attachment of it', () => {
    expect(policyOfResource('aws_iam_role_policy_attachment.role_Dev__cmp_A_2eb')).toBe('A.b');
    expect(policyOfResource('aws_iam_policy.cmp_A')).toBe('A');
    expect(policyOfResource('aws_iam_role_policy_attachment.role_Dev__aws_ReadOnlyAccess')).toBeUndefined();
    expect(policyOfResource('aws_iam_role.role_Dev')).toBeUndefined();
    expect(policyOfAddress('aws_iam_role_policy_attachment.role_Dev__cmp_A')).toBeUndefined();
    expect(parseAddress('test_instance.foo')).toBeUndefined();
  });

  test('names, ARNs, stacks and pair keys', () => {
    expect(policyName('Foo')).toBe('Prism-Foo');
    expect(policyArn('111111111111', 'Foo')).toBe('arn:aws:iam::111111111111:policy/Prism-Foo');
    expect(policyArn('111111111111', 'Foo', 'aws-cn')).toBe('arn:aws-cn:iam::111111111111:policy/Prism-Foo');
    expect(accountOfStack(stackName('012345678901'))).toBe('012345678901');
    expect(accountOfStack('bootstrap-012345678901')).toBeUndefined();
    expect(pairKey('a', '1')).not.toBe(pairKey('a1', ''));
  });

  test('an error text names a policy only as a whole name', () => {
    const text = 'deleting IAM Policy (arn:aws:iam::111111111111:policy/Prism-A): DeleteConflict';
    expect(textNamesPolicy(text, 'A')).toBe(true);
    expect(textNamesPolicy(text.replace('Prism-A', 'Prism-AB'), 'A')).toBe(false);
    expect(textNamesPolicy(text.replace('Prism-A', 'Prism-A.b'), 'A')).toBe(false);
    expect(textNamesPolicy(text.replace('Prism-A', 'Prism-A.b'), 'A.b')).toBe(true);
    expect(textNamesPolicy('policy XPrism-A failed', 'A')).toBe(false);
  });
});
