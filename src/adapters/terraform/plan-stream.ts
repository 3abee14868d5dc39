/**
 * A PlanSummary from `terraform plan -json`'s streamed UI, without `terraform show -json` (which
 * starts the provider again only to read its schema). It gives the same summary as `summarizePlan`
 * on show -json, or says it cannot (undefined), and the caller runs show -json:
 *
 * - changes: the stream has a planned_change for every resource that changes; every other configured
 *   resource is a no-op, as show -json lists it (sorted by address). Replacements, reads, moves and
 *   any action or reason it does not know are left to show -json.
 * - drift: the stream says which resources changed outside Terraform, not which attributes. Drift that
 *   matters to a plan is drift on a resource the plan changes; then show -json decides which
 *   attributes the stack sets. Drift on a resource the plan leaves alone (typically a computed
 *   attribute, such as a policy's attachment_count after Prism attached it) is left out, as Terraform's
 *   own plan output leaves it out. Refresh-only plans always go through show -json.
 * @see https://developer.hashicorp.com/terraform/internals/machine-readable-ui
 */
import { PlanSummary, ResourceChangeSummary, TerraformDiagnostic } from '../../model/terraform';
import { UiMessage } from './ui-stream';

/** A resource of the stack's configuration. */
export interface ConfiguredResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
}

/** The resources a synthesised stack (cdk.tf.json) configures. */
export function configuredResources(stack: { resource?: Record<string, Record<string, unknown>> }): ConfiguredResource[] {
  const out: ConfiguredResource[] = [];
  for (const [type, byName] of Object.entries(stack.resource ?? {})) for (const name of Object.keys(byName)) out.push({ address: `${type}.${name}`, type, name });
  return out;
}

/** planned_change actions the stream shares with show -json: stream action -> show -json actions. */
const ACTIONS: Record<string, string[]> = { create: ['create'], update: ['update'], delete: ['delete'], import: ['no-op'] };

/** Reasons the stream spells as show -json does (a delete whose configuration is gone, and the like). */
const SAME_REASONS = /^delete_because_(no_resource_config|wrong_repetition|count_index|each_key|no_module|no_move_target)$/;

interface StreamChange {
  resource?: { addr?: string; module?: string; resource_type?: string; resource_name?: string; resource_key?: unknown };
  action?: string;
  reason?: string;
  importing?: { id?: string };
  previous_resource?: unknown;
  deposed?: unknown;
}

/**
 * The summary of a plan from its streamed UI `messages`, for a stack configuring `configured`; or
 * undefined when only show -json can give it exactly.
 */
export function summarizePlanStream(account: string, messages: readonly UiMessage[], configured: readonly ConfiguredResource[], diagnostics: readonly TerraformDiagnostic[]): PlanSummary | undefined {
  if (!messages.some((m) => m.type === 'change_summary' && m.changes?.operation === 'plan')) return undefined;
  const planned = new Map<string, StreamChange>();
  const drifted: StreamChange[] = [];
  for (const m of messages) {
    const change = (m as unknown as { change?: StreamChange }).change;
    if (m.type === 'planned_change') {
      const addr = change?.resource?.addr;
      if (!addr || planned.has(addr)) return undefined;
      planned.set(addr, change!);
    } else if (m.type === 'resource_drift') drifted.push(change ?? {});
  }
  // drift on a resource the plan changes, or a resource gone: show -json says which attributes
  for (const d of drifted) if (!d.resource?.addr || d.action !== 'update' || planned.has(d.resource.addr)) return undefined;

  const known = new Map(configured.map((c) => [c.address, c]));
  const changes: ResourceChangeSummary[] = [];
  for (const [address, c] of planned) {
    const actions = ACTIONS[c.action ?? ''];
    if (!actions || c.previous_resource || c.deposed || c.resource?.module || c.resource?.resource_key != null) return undefined;
    if (c.reason && !SAME_REASONS.test(c.reason)) return undefined;
    const own = known.get(address);
    if (!own && c.action !== 'delete') return undefined;
    const type = own?.type ?? c.resource?.resource_type;
    const name = own?.name ?? c.resource?.resource_name;
    if (!type || !name) return undefined;
    changes.push({ address, type, name, actions, ...(c.importing ? { importing: c.importing.id ?? '' } : {}), replace: false, ...(c.reason ? { actionReason: c.reason } : {}) });
  }
  for (const r of configured) if (!planned.has(r.address)) changes.push({ address: r.address, type: r.type, name: r.name, actions: ['no-op'], replace: false });
  changes.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const failed = diagnostics.some((d) => d.severity === 'error');
  return { account, status: failed ? 'failed' : 'planned', changes, drift: [], diagnostics: [...diagnostics] };
}
