import { summarizePlan } from '../../../src/adapters/terraform/plan-json';
import { diagnosticsFromUi, parseUiStream } from '../../../src/adapters/terraform/ui-stream';
import { tfFixture } from '../../helpers/fixtures';

describe('plan parsing: the real terraform show -json samples', () => {
  test('create, update and delete actions, with reasons', () => {
    const s = summarizePlan('111111111111', tfFixture('plan-json/tf-show-json-basic-delete.json'));
    expect(s.status).toBe('planned');
    expect(s.changes).toEqual([
      { address: 'test_instance.test', type: 'test_instance', name: 'test', actions: ['update'], replace: false },
      { address: 'test_instance.test-delete', type: 'test_instance', name: 'test-delete', actions: ['delete'], replace: false, actionReason: 'delete_because_no_resource_config' },
    ]);
  });

  test('an import block is importing, with its id (adopt)', () => {
    const s = summarizePlan('111111111111', tfFixture('plan-json/tf-cloud-plan-import-config-gen.json'));
    expect(s.changes).toEqual([{ address: 'terraform_data.foo', type: 'terraform_data', name: 'foo', actions: ['no-op'], importing: 'bar', replace: false }]);
  });

  test('a replacement is flagged', () => {
    const s = summarizePlan('111111111111', tfFixture('plan-json/tf-show-json-requires-replace.json'));
    expect(s.changes[0]).toMatchObject({ address: 'test_instance.test', actions: ['delete', 'create'], replace: true, actionReason: 'replace_because_cannot_update' });
  });

  test('resource_drift is reported', () => {
    const s = summarizePlan('111111111111', tfFixture('plan-json/tf-show-json-drift.json'));
    expect(s.drift).toEqual([{ address: 'test_instance.should_refresh', actions: ['update'], attributes: ['ami'] }]);
  });

  test('drift only in attributes the stack does not set is not drift (real Prism stack, terraform 1.11)', () => {
    const plan = JSON.parse(tfFixture('prism/refresh-only-role-attachments.json'));
    // Terraform reports the role: its computed managed_policy_arns lost the deleted policy
    expect(plan.resource_drift.map((d: { address: string }) => d.address)).toEqual(['aws_iam_role.role_Dev']);
    expect(summarizePlan('222222222222', plan).drift).toEqual([]);
    // the same role with its configured description edited outside Terraform is drift
    const edited = structuredClone(plan);
    edited.resource_drift[0].change.after.description = 'edited in the console';
    expect(summarizePlan('222222222222', edited).drift).toEqual([{ address: 'aws_iam_role.role_Dev', actions: ['update'], attributes: ['description'] }]);
  });

  test('an errored plan is failed', () => {
    expect(summarizePlan('111111111111', tfFixture('plan-json/tf-show-json-plan-error.json')).status).toBe('failed');
  });

  test('real IAM resources from a TF 1.1 plan', () => {
    const s = summarizePlan('111111111111', tfFixture('plan-json/checkov-aws-iam-policies.json'));
    expect(s.changes.map((c) => `${c.address} ${c.actions.join('+')}`)).toContain('aws_iam_policy.policy_pass create');
    expect(s.changes).toHaveLength(7);
  });

  test('diagnostics from the -json UI stream, including a last line without a newline', () => {
    const withError = diagnosticsFromUi(parseUiStream(tfFixture('ui-json/tf-cloud-apply-json-with-error.plan.jsonl')));
    expect(withError).toEqual([
      { severity: 'error', summary: 'Unsupported block type', detail: expect.stringContaining('Blocks of type "triggers" are not expected here') },
    ]);
    const validation = diagnosticsFromUi(parseUiStream(tfFixture('ui-json/tf-cloud-plan-import-config-gen-validation-error.plan.jsonl')));
    expect(validation).toEqual([{ severity: 'error', summary: 'Conflicting configuration arguments', detail: 'Not allowed', address: 'terraform_data.foo' }]);
    expect(diagnosticsFromUi(parseUiStream(tfFixture('ui-json/tf-cloud-plan-json-full.plan.jsonl')))).toEqual([]);
  });
});
