/**
 * The bundled example's identity-center variant (examples/identity-center: its own cdktf.json,
 * assignments with principals and organizational units, and organizations lock, over the root's
 * policies and permission sets) validates, synthesises and previews, offline.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyExample, example } from '../../src/pipeline/example';
import { CollectingReporter } from '../../src/pipeline/reporter';
import { validate } from '../../src/pipeline/validate';
import { synth } from '../../src/pipeline/synth';

describe('the identity-center example', () => {
  test('validates with no error: the only warning is the trust policy that IdC ignores', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-idc-example-'));
    copyExample(dir, 'identity-center');
    const problems = validate({ dir }).diagnostics.filter((d) => d.severity !== 'note');
    expect(problems.map((d) => `${d.severity} ${d.code} ${d.location?.file}:${d.location?.line}`)).toEqual(['warning identity-center/ignored-key permission-sets/SecurityAuditor.yaml:9']);
  });

  test('synth: account stacks with policies only, one identity-center stack with every assignment the OUs give', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-idc-example-'));
    copyExample(dir, 'identity-center');
    const out = await synth({ dir, reporter: new CollectingReporter() });
    expect(out.kind).toBe('synthesised');
    const stacks = path.join(dir, 'cdktf.out', 'stacks');
    const account = JSON.parse(fs.readFileSync(path.join(stacks, 'account-345678901234', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(account.resource)).toEqual(['aws_iam_policy']);
    const idc = JSON.parse(fs.readFileSync(path.join(stacks, 'identity-center', 'cdk.tf.json'), 'utf8'));
    const assignments = idc.resource.aws_ssoadmin_account_assignment;
    // Developer: the Workloads OU minus the two production accounts
    expect(Object.keys(assignments.ps_Developer.for_each).sort()).toEqual(['345678901234__group_developers', '456789012345__group_developers']);
    // SecurityAuditor: the root, every active account, by group ID
    expect(Object.keys(assignments.ps_SecurityAuditor.for_each)).toHaveLength(8);
    expect(idc.resource.aws_ssoadmin_permissions_boundary_attachment.ps_DataAnalyst__boundary.permissions_boundary.managed_policy_arn).toBe('arn:aws:iam::aws:policy/PowerUserAccess');
    expect(idc.provider.aws[0].allowed_account_ids).toEqual(['901234567890']);
  });

  test('prism example --identity-center: the preview speaks of permission sets and reprovisioning', async () => {
    const outcome = await example({ variant: 'identity-center', reporter: new CollectingReporter() });
    expect(outcome.stacks).toContain('identity-center');
    expect(outcome.preview!.failures).toEqual([]);
    expect(outcome.preview!.markdown).toContain('Affected permission sets: `DataAnalyst`, `Developer`; 0 account(s) will be reprovisioned');
    expect(outcome.preview!.markdown).toContain('- `Developer`: update; references `Prism-ReadOnlyBilling`; reprovisions 2 account(s)');
  });
});
