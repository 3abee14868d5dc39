import { customerPolicyId } from '../../src/model/policy-id';
import { addresses, org, StackJson, synthFiles } from '../helpers/synth';

describe('synth: what each account stack contains', () => {
  let stacks: Map<string, StackJson>;
  let result: { stacks: number };
  let a1: StackJson, a2: StackJson, a3: StackJson;
  beforeAll(async () => {
    ({ stacks, result } = await synthFiles(org()));
    [a1, a2, a3] = ['111111111111', '222222222222', '333333333333'].map((a) => stacks.get(a)!);
  });

  test('one stack per account, named after the account', () => {
    expect([...stacks.keys()].sort()).toEqual(['111111111111', '222222222222', '333333333333']);
    expect(result.stacks).toBe(3);
  });

  test('the provider assumes the deploy role, in the configured region, guarded by allowed_account_ids', () => {
    const p = a1.provider.aws[0];
    expect(p.region).toBe('eu-west-1');
    expect(p.allowed_account_ids).toEqual(['111111111111']);
    expect(p.assume_role).toEqual([{ role_arn: '${var.assume_role_arn}', session_name: 'prism-ci', external_id: 'ext-1234' }]);
    expect(a1.variable.assume_role_arn.default).toBe('arn:aws:iam::111111111111:role/PrismDeploy');
    expect(a3.variable.assume_role_arn.default).toBe('arn:aws:iam::333333333333:role/PrismDeploy');
  });

  test('the local backend keeps one state per account outside the output folder', () => {
    expect(a1.terraform.backend.local.path).toBe('../../../terraform-state/111111111111.tfstate');
  });

  test('each needed CMP is an aws_iam_policy named Prism-<name> with the managed tags', () => {
    const policy = a1.resource.aws_iam_policy.cmp_S3Read;
    expect(policy).toMatchObject({ name: 'Prism-S3Read', path: '/', description: 'Managed by Prism' });
    expect(policy.tags).toEqual({ 'Prism:Managed': 'true', 'Prism:CustomerPolicyID': customerPolicyId('S3Read') });
    expect(JSON.parse(policy.policy)).toEqual({ Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    // only the CMPs the account needs
    expect(Object.keys(a1.resource.aws_iam_policy).sort()).toEqual(['cmp_LogsRead', 'cmp_S3Read']);
    expect(Object.keys(a3.resource.aws_iam_policy).sort()).toEqual(['cmp_Billing', 'cmp_LogsRead']);
  });

  test('the policy ID is the same in every account', () => {
    expect(a1.resource.aws_iam_policy.cmp_LogsRead.tags['Prism:CustomerPolicyID']).toBe(a3.resource.aws_iam_policy.cmp_LogsRead.tags['Prism:CustomerPolicyID']);
    expect(customerPolicyId('LogsRead')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('each permission set is a role with its name, trust, session duration and tags', () => {
    const role = a1.resource.aws_iam_role.role_Dev;
    expect(role).toMatchObject({ name: 'Prism-Dev', path: '/prism/', description: 'Developers', max_session_duration: 28800 });
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({ AWS: 'arn:aws:iam::111111111111:root' });
    expect(role.tags).toEqual({ 'Prism:Managed': 'true', 'Prism:PermissionSet': 'Dev' });
  });

  test('CMP attachments reference the policy resource ARN; AWS managed ones use the AWS ARN', () => {
    const att = a1.resource.aws_iam_role_policy_attachment;
    expect(att.role_Dev__cmp_S3Read).toMatchObject({ role: '${aws_iam_role.role_Dev.name}', policy_arn: '${aws_iam_policy.cmp_S3Read.arn}' });
    expect(att.role_Dev__aws_ReadOnlyAccess).toMatchObject({ policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  });

  test('the inline policy is an aws_iam_role_policy on the role', () => {
    const inline = a1.resource.aws_iam_role_policy.role_Dev__inline;
    expect(inline.role).toBe('${aws_iam_role.role_Dev.id}');
    expect(JSON.parse(inline.policy).Statement[0].Action).toBe('ssm:StartSession');
  });

  test('addresses come from names, not positions', () => {
    expect(addresses(a2)).toEqual([
      'aws_iam_policy.cmp_LogsRead',
      'aws_iam_policy.cmp_S3Read',
      'aws_iam_role.role_Dev',
      'aws_iam_role.role_Ops',
      'aws_iam_role_policy.role_Dev__inline',
      'aws_iam_role_policy_attachment.role_Dev__aws_ReadOnlyAccess',
      'aws_iam_role_policy_attachment.role_Dev__cmp_LogsRead',
      'aws_iam_role_policy_attachment.role_Dev__cmp_S3Read',
      'aws_iam_role_policy_attachment.role_Ops__cmp_LogsRead',
    ]);
  });

  test('snapshot of one small account stack (on top of the checks above)', () => {
    expect(a3).toMatchSnapshot();
  });
});
