import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveSettings } from '../../src/core/settings';
import { bootstrapDocuments } from '../../src/model/bootstrap';
import { runPrism } from '../helpers/cli';
import { validateFiles, writeRepo } from '../helpers/repo';
import { IDC, idcOrg } from '../helpers/identity-center';

const settings = resolveSettings({ mode: 'identity-center', identityCenter: { instanceArn: IDC.instanceArn, identityStoreId: IDC.identityStoreId, account: IDC.account } });
const options = { githubRepo: 'acme/iam-policies', hubAccount: '888888888888' };
type Doc = { Statement: { Sid: string; Action: string[]; Resource: string | string[] }[] };

describe('bootstrap in identity-center mode', () => {
  const idc = bootstrapDocuments(settings, IDC.account, options);
  const member = bootstrapDocuments(settings, '111111111111', options);

  test('its policies pass the validator (every action exists; nothing risky)', () => {
    const files: Record<string, string> = {};
    const docs = { IdcDeploy: idc.identityCenter!.deployPolicy, IdcPlan: idc.identityCenter!.planPolicy, Orgs: idc.organizationsPolicy!, MemberDeploy: member.deployPolicy, MemberPlan: member.planPolicy };
    for (const [name, doc] of Object.entries(docs)) files[`policies/Bootstrap${name}.json`] = JSON.stringify(doc, null, 2);
    expect(validateFiles(files).diagnostics.filter((d) => d.severity !== 'note')).toEqual([]);
  });

  test('the IdC account: scoped sso actions on this instance, identity-store reads only; the plan role only reads', () => {
    const deploy = idc.identityCenter!.deployPolicy as Doc;
    expect(deploy.Statement[0].Resource).toEqual([IDC.instanceArn, 'arn:aws:sso:::permissionSet/ssoins-abcdef0123456789/*', 'arn:aws:sso:::account/*']);
    expect(deploy.Statement[0].Action).toEqual(expect.arrayContaining(['sso:CreatePermissionSet', 'sso:AttachCustomerManagedPolicyReferenceToPermissionSet', 'sso:ProvisionPermissionSet', 'sso:CreateAccountAssignment']));
    expect(deploy.Statement[1].Action).toEqual(['identitystore:GetGroupId', 'identitystore:GetUserId', 'identitystore:DescribeGroup', 'identitystore:DescribeUser']);
    expect(deploy.Statement[1].Resource).toContain(`arn:aws:identitystore::${IDC.account}:identitystore/${IDC.identityStoreId}`);
    expect(JSON.stringify(deploy)).not.toMatch(/"sso:\*"|"\*"|CreateInstance|DeleteInstance|identitystore:(Create|Delete|Update)/);
    for (const a of (idc.identityCenter!.planPolicy as Doc).Statement.flatMap((s) => s.Action)) expect(a).toMatch(/^(sso|identitystore):(Get|List|Describe)[A-Za-z]+$/);
    for (const a of (idc.organizationsPolicy as Doc).Statement.flatMap((s) => s.Action)) expect(a).toMatch(/^organizations:(List|Describe)[A-Za-z]+$/);
  });

  test('member accounts only manage Prism-* policies: IAM Identity Center makes the roles', () => {
    expect((member.deployPolicy as Doc).Statement.map((s) => s.Sid)).toEqual(['ManagePrismPolicies']);
    expect((member.planPolicy as Doc).Statement.map((s) => s.Sid)).toEqual(['ReadPrismPolicies']);
    expect(member.identityCenter).toBeUndefined();
    expect(member.organizationsPolicy).toBeUndefined();
  });

  test('prism bootstrap adds the IdC account, with its extra policies on the same roles', () => {
    const dir = writeRepo(idcOrg());
    const r = runPrism(['bootstrap', '--dir', dir, '--github-repo', 'acme/iam-policies', '--hub-account', '888888888888']);
    expect(r.code).toBe(0);
    const stacks = fs.readdirSync(path.join(dir, 'cdktf.out.bootstrap', 'stacks')).sort();
    expect(stacks).toContain(`bootstrap-${IDC.account}`);
    const stack = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.out.bootstrap', 'stacks', `bootstrap-${IDC.account}`, 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(stack.resource.aws_iam_role_policy).sort()).toEqual(['deploy_identity_center', 'deploy_policy', 'plan_identity_center', 'plan_organizations', 'plan_policy']);
    expect(stack.resource.aws_iam_role_policy.deploy_identity_center).toMatchObject({ name: 'PrismIdentityCenter', role: '${aws_iam_role.deploy.id}' });
  });
});
