import { summarizePlanStream } from '../../../src/adapters/terraform/plan-stream';
import { diagnosticsFromUi, parseUiStream, UiMessage } from '../../../src/adapters/terraform/ui-stream';
import { tfFixture } from '../../helpers/fixtures';

/** The resources of the captured stack (two permission sets, policies A and B). */
const STACK = [
  ['aws_iam_policy', 'cmp_A'],
  ['aws_iam_policy', 'cmp_B'],
  ['aws_iam_role', 'role_Dev'],
  ['aws_iam_role', 'role_Ops'],
  ['aws_iam_role_policy', 'role_Dev__inline'],
  ['aws_iam_role_policy_attachment', 'role_Dev__aws_ReadOnlyAccess'],
  ['aws_iam_role_policy_attachment', 'role_Dev__cmp_A'],
  ['aws_iam_role_policy_attachment', 'role_Dev__cmp_B'],
  ['aws_iam_role_policy_attachment', 'role_Ops__cmp_B'],
].map(([type, name]) => ({ address: `${type}.${name}`, type, name }));

const summarize = (messages: UiMessage[], configured = STACK) => summarizePlanStream('777777777777', messages, configured, diagnosticsFromUi(messages));
const stream = (file: string) => parseUiStream(tfFixture(`prism/${file}`));

describe('plan summary from the -json stream (real Terraform 1.11 streams of Prism stacks)', () => {
  test('every resource created: one change each, sorted by address as show -json sorts them', () => {
    const s = summarize(stream('plan-stream-create.jsonl'))!;
    expect(s.status).toBe('planned');
    expect(s.changes.map((c) => c.address)).toEqual(STACK.map((r) => r.address));
    expect(s.changes.every((c) => c.actions.join() === 'create' && !c.replace)).toBe(true);
    expect(s.drift).toEqual([]);
  });

  test('drift on resources the plan leaves alone is left out; every resource is a no-op', () => {
    const s = summarize(stream('plan-stream-drift-only.jsonl'))!;
    expect(s.changes).toEqual(STACK.map((r) => ({ ...r, actions: ['no-op'], replace: false })));
    expect(s.drift).toEqual([]);
  });

  test('declines a replacement (show -json gives its order of delete and create)', () => {
    expect(summarize(stream('plan-stream-delete-adopt-replace.jsonl'))).toBeUndefined();
  });

  test('deletes of resources no longer configured keep their reason; an import is importing', () => {
    // the same real stream without the replacement, and with C's change an update that imports it
    const messages = stream('plan-stream-delete-adopt-replace.jsonl').map((m) => {
      const change = (m as unknown as { change?: { resource: { addr: string }; action: string; reason?: string } }).change;
      return change?.resource.addr === 'aws_iam_policy.cmp_C' ? ({ ...m, change: { ...change, action: 'update', reason: undefined } } as unknown as UiMessage) : m;
    });
    const configured = [...STACK.filter((r) => !r.name.endsWith('cmp_B')), ...[['aws_iam_policy', 'cmp_C'], ['aws_iam_role_policy_attachment', 'role_Ops__cmp_C'], ['aws_iam_role_policy_attachment', 'role_Ops__cmp_A']].map(([type, name]) => ({ address: `${type}.${name}`, type, name }))];
    const s = summarize(messages, configured)!;
    expect(s.changes.find((c) => c.address === 'aws_iam_policy.cmp_B')).toEqual({ address: 'aws_iam_policy.cmp_B', type: 'aws_iam_policy', name: 'cmp_B', actions: ['delete'], replace: false, actionReason: 'delete_because_no_resource_config' });
    expect(s.changes.find((c) => c.address === 'aws_iam_policy.cmp_C')).toEqual({ address: 'aws_iam_policy.cmp_C', type: 'aws_iam_policy', name: 'cmp_C', actions: ['update'], importing: 'arn:aws:iam::777777777777:policy/Prism-C', replace: false });
    expect(s.changes.find((c) => c.address === 'aws_iam_role.role_Dev')?.actions).toEqual(['no-op']);
  });

  test('declines drift on a resource the plan changes: only show -json says whether the stack set the drifted attribute', () => {
    const drift = stream('plan-stream-drift-only.jsonl').filter((m) => m.type === 'resource_drift');
    const edit = stream('plan-stream-create.jsonl').map((m) => (m.type === 'planned_change' ? ({ ...m, change: { ...m.change, action: 'update' } } as UiMessage) : m));
    expect(summarize([...drift, ...edit])).toBeUndefined();
  });

  test('declines what it does not know: no plan summary line, an unknown action', () => {
    const create = stream('plan-stream-create.jsonl');
    expect(summarize(create.filter((m) => m.type !== 'change_summary'))).toBeUndefined();
    expect(summarize(create.map((m) => (m.type === 'planned_change' ? ({ ...m, change: { ...m.change, action: 'read' } } as UiMessage) : m)))).toBeUndefined();
  });
});
