import * as fs from 'node:fs';
import * as path from 'node:path';
import { addresses, org, StackJson, synthFiles } from '../helpers/synth';
import { IDC, idcOrg } from '../helpers/identity-center';

/** The identity-center stack's JSON, as synth wrote it. */
const idcStack = (outDir: string): StackJson & { data: Record<string, Record<string, Record<string, any>>> } =>
  JSON.parse(fs.readFileSync(path.join(outDir, 'stacks', 'identity-center', 'cdk.tf.json'), 'utf8'));

describe('synth in identity-center mode', () => {
  let stack: ReturnType<typeof idcStack>;
  let accounts: Map<string, StackJson>;
  let outDir: string;
  beforeAll(async () => {
    const r = await synthFiles(
      idcOrg({
        'permission-sets/Finance.yaml': 'description: "Finance ${path.cwd} %{ if true }x%{ endif }"\nsessionDuration: PT1H30M\npermissionsBoundary: PowerUserAccess\ncustomerManagedPolicies:\n  - Billing\ntags:\n  team: finance\n',
        'assignments/finance.yaml': 'permissionSet: Finance\naccounts:\n  - "333333333333"\nprincipals:\n  - user: jane@example.com\n  - group: "${file(\\"/etc/passwd\\")}"\n',
      }),
    );
    ({ outDir } = r);
    accounts = r.stacks;
    stack = idcStack(outDir);
  });

  test('account stacks hold only the Prism-<name> policies: IAM Identity Center makes the roles', () => {
    for (const s of accounts.values()) expect(Object.keys(s.resource)).toEqual(['aws_iam_policy']);
    expect(Object.keys(accounts.get('111111111111')!.resource.aws_iam_policy).sort()).toEqual(['cmp_LogsRead', 'cmp_S3Read']);
  });

  test('one identity-center stack, in the IdC account and region, guarded by allowed_account_ids, with its own state', () => {
    expect(fs.readdirSync(path.join(outDir, 'stacks')).sort()).toEqual(['account-111111111111', 'account-222222222222', 'account-333333333333', 'identity-center']);
    const p = stack.provider.aws[0];
    expect(p.region).toBe('eu-central-1');
    expect(p.allowed_account_ids).toEqual([IDC.account]);
    expect(p.assume_role).toEqual([{ role_arn: '${var.assume_role_arn}', session_name: 'prism-ci', external_id: 'ext-1234' }]);
    expect(stack.variable.assume_role_arn.default).toBe(`arn:aws:iam::${IDC.account}:role/PrismDeploy`);
    expect(stack.terraform.backend.local.path).toBe('../../../terraform-state/identity-center.tfstate');
    const manifest = JSON.parse(fs.readFileSync(path.join(outDir, 'manifest.json'), 'utf8'));
    expect(manifest.stacks['identity-center']).toMatchObject({ name: 'identity-center', synthesizedStackPath: 'stacks/identity-center/cdk.tf.json' });
  });

  test('a permission set holds its AWS managed policies, references to Prism-<name> (path /), inline policy, session duration and boundary', () => {
    const r = stack.resource;
    expect(r.aws_ssoadmin_permission_set.ps_Dev).toMatchObject({ name: 'Dev', instance_arn: IDC.instanceArn, session_duration: 'PT8H', description: 'Developers', tags: { 'Prism:Managed': 'true', 'Prism:PermissionSet': 'Dev' } });
    expect(r.aws_ssoadmin_permission_set.ps_Finance).toMatchObject({ session_duration: 'PT1H30M', tags: { team: 'finance', 'Prism:Managed': 'true', 'Prism:PermissionSet': 'Finance' } });
    expect(r.aws_ssoadmin_managed_policy_attachment.ps_Dev__aws_ReadOnlyAccess).toMatchObject({ managed_policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', permission_set_arn: '${aws_ssoadmin_permission_set.ps_Dev.arn}' });
    expect(r.aws_ssoadmin_customer_managed_policy_attachment.ps_Dev__cmp_S3Read.customer_managed_policy_reference).toEqual({ name: 'Prism-S3Read', path: '/' });
    expect(JSON.parse(r.aws_ssoadmin_permission_set_inline_policy.ps_Dev__inline.inline_policy).Statement[0].Action).toBe('ssm:StartSession');
    expect(r.aws_ssoadmin_permissions_boundary_attachment.ps_Finance__boundary.permissions_boundary).toEqual({ managed_policy_arn: 'arn:aws:iam::aws:policy/PowerUserAccess' });
  });

  test('assignments: named principals are looked up in the identity store; each waits for its permission set\'s policies', () => {
    // one resource per permission set, one instance per account and principal
    const a = stack.resource.aws_ssoadmin_account_assignment;
    expect(Object.keys(a).sort()).toEqual(['ps_Dev', 'ps_Finance', 'ps_Ops']);
    expect(a.ps_Dev).toMatchObject({ permission_set_arn: '${aws_ssoadmin_permission_set.ps_Dev.arn}', principal_id: '${each.value.principal_id}', principal_type: '${each.value.principal_type}', target_id: '${each.value.account}', target_type: 'AWS_ACCOUNT' });
    expect(Object.keys(a.ps_Dev.for_each).sort()).toEqual([
      '111111111111__group_Developers',
      '111111111111__userid_0123456789-abcdef01-2345-6789-abcd-ef0123456789',
      '222222222222__group_Developers',
      '222222222222__userid_0123456789-abcdef01-2345-6789-abcd-ef0123456789',
    ]);
    expect(a.ps_Dev.for_each['111111111111__group_Developers']).toEqual({ account: '111111111111', principal_id: '${data.aws_identitystore_group.group_Developers.group_id}', principal_type: 'GROUP' });
    expect(a.ps_Dev.for_each['111111111111__userid_0123456789-abcdef01-2345-6789-abcd-ef0123456789'].principal_id).toBe('0123456789-abcdef01-2345-6789-abcd-ef0123456789');
    expect(a.ps_Dev.depends_on.sort()).toEqual([
      'aws_ssoadmin_customer_managed_policy_attachment.ps_Dev__cmp_LogsRead',
      'aws_ssoadmin_customer_managed_policy_attachment.ps_Dev__cmp_S3Read',
      'aws_ssoadmin_managed_policy_attachment.ps_Dev__aws_ReadOnlyAccess',
      'aws_ssoadmin_permission_set_inline_policy.ps_Dev__inline',
    ]);
    expect(stack.data.aws_identitystore_group.group_Developers).toMatchObject({ identity_store_id: IDC.identityStoreId, alternate_identifier: { unique_attribute: { attribute_path: 'DisplayName', attribute_value: 'Developers' } } });
    expect(stack.data.aws_identitystore_user['user_jane_40example_2ecom'].alternate_identifier.unique_attribute).toEqual({ attribute_path: 'UserName', attribute_value: 'jane@example.com' });
  });

  test('user text reaches Terraform as a literal, never a template: the only interpolations are the references Prism writes', () => {
    // Terraform reads $${ and %%{ as literal text; any other ${ or %{ would be evaluated
    const sequences = (text: string): string[] => {
      const out: string[] = [];
      for (let i = 0; i < text.length; i++) {
        const two = text.slice(i, i + 2);
        if (two === '$$' || two === '%%') i++;
        else if (two === '${' || two === '%{') {
          const end = text.indexOf('}', i);
          out.push(text.slice(i, end + 1));
          i = end;
        }
      }
      return out;
    };
    const found = new Set<string>();
    const walk = (v: unknown): void => {
      if (typeof v === 'string') sequences(v).forEach((x) => found.add(x));
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (walk(k), walk(x));
    };
    walk({ resource: stack.resource, data: stack.data, provider: stack.provider });
    for (const ref of found) expect(ref).toMatch(/^\$\{(var\.assume_role_arn|each\.value\.(account|principal_id|principal_type)|aws_ssoadmin_permission_set\.ps_[A-Za-z0-9_-]+\.arn|data\.aws_identitystore_(group\.group_[A-Za-z0-9_-]+\.group_id|user\.user_[A-Za-z0-9_-]+\.user_id))\}$/);
    expect(found.size).toBeGreaterThan(4);
    expect(stack.resource.aws_ssoadmin_permission_set.ps_Finance.description).toBe('Finance $${path.cwd} %%{ if true }x%%{ endif }');
    const groups = Object.values(stack.data.aws_identitystore_group).map((g) => g.alternate_identifier.unique_attribute.attribute_value);
    expect(groups).toContain('$${file("/etc/passwd")}');
  });

  test('addresses come from names only: adding a permission set and an account moves nothing', async () => {
    const grown = await synthFiles(
      idcOrg({
        'permission-sets/Audit.yaml': 'awsManagedPolicies: [SecurityAudit]\n',
        'assignments/audit.yaml': 'permissionSet: Audit\naccounts: ["444444444444"]\nprincipals:\n  - group: Auditors\n',
        'assignments/dev.yaml': 'permissionSet: Dev\naccounts:\n  - "111111111111"\n  - "222222222222"\n  - "555555555555"\nprincipals:\n  - group: Developers\n  - userId: 0123456789-abcdef01-2345-6789-abcd-ef0123456789\n',
      }),
    );
    const before = idcStack((await synthFiles(idcOrg())).outDir);
    const after = idcStack(grown.outDir);
    for (const address of addresses(before)) {
      const [type, name] = address.split('.');
      const { for_each: was, ...rest } = before.resource[type][name];
      const { for_each: now, ...restNow } = after.resource[type][name];
      expect(restNow).toEqual(rest);
      // an assignment instance is keyed by account and principal: existing keys keep their values
      if (was) for (const [key, value] of Object.entries(was)) expect(now[key]).toEqual(value);
    }
    expect(Object.keys(after.resource.aws_ssoadmin_account_assignment.ps_Dev.for_each)).toContain('555555555555__group_Developers');
  });

  test('roles mode writes no identity-center stack', async () => {
    const r = await synthFiles(org());
    expect(fs.existsSync(path.join(r.outDir, 'stacks', 'identity-center'))).toBe(false);
    expect(r.result).not.toHaveProperty('identityCenter');
  });
});
