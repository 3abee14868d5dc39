/**
 * Reads `terraform show -json <planfile>` (resource_changes, resource_drift, configuration,
 * errored) into a PlanSummary.
 * @see https://developer.hashicorp.com/terraform/internals/json-format
 */
import { PlanSummary, TerraformDiagnostic } from '../../model/terraform';

interface ShowJsonChange {
  address: string;
  type: string;
  name: string;
  action_reason?: string;
  change: { actions: string[]; importing?: { id?: string }; before?: Record<string, unknown> | null; after?: Record<string, unknown> | null };
}

interface ShowJsonConfiguration {
  root_module?: { resources?: { address: string; expressions?: Record<string, unknown> }[] };
}

/**
 * The drift that matters: resources deleted outside Terraform, and resources whose configured
 * attributes changed. Without a `configuration` section, every changed attribute counts.
 */
function relevantDrift(drift: readonly ShowJsonChange[], configuration: ShowJsonConfiguration | undefined): PlanSummary['drift'] {
  const configured = new Map((configuration?.root_module?.resources ?? []).map((r) => [r.address, new Set(Object.keys(r.expressions ?? {}))]));
  const out: { address: string; actions: string[]; attributes?: string[] }[] = [];
  for (const d of drift) {
    const { before, after, actions } = d.change;
    if (actions.includes('delete') || !before || !after) {
      out.push({ address: d.address, actions });
      continue;
    }
    const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
    const own = configured.get(d.address);
    const attributes = own ? changed.filter((k) => own.has(k)) : changed;
    if (attributes.length) out.push({ address: d.address, actions, attributes });
  }
  return out;
}

/** Summarises `terraform show -json` output. Accepts the text or the parsed object. */
export function summarizePlan(account: string, showJson: string | object, diagnostics: readonly TerraformDiagnostic[] = []): PlanSummary {
  const plan = (typeof showJson === 'string' ? JSON.parse(showJson) : showJson) as {
    resource_changes?: ShowJsonChange[];
    resource_drift?: ShowJsonChange[];
    configuration?: ShowJsonConfiguration;
    errored?: boolean;
  };
  const changes = (plan.resource_changes ?? []).map((rc) => ({
    address: rc.address,
    type: rc.type,
    name: rc.name,
    actions: rc.change.actions,
    ...(rc.change.importing ? { importing: rc.change.importing.id ?? '' } : {}),
    replace: rc.change.actions.includes('delete') && rc.change.actions.includes('create'),
    ...(rc.action_reason ? { actionReason: rc.action_reason } : {}),
  }));
  const drift = relevantDrift(plan.resource_drift ?? [], plan.configuration);
  const failed = plan.errored === true || diagnostics.some((d) => d.severity === 'error');
  return { account, status: failed ? 'failed' : 'planned', changes, drift, diagnostics: [...diagnostics] };
}

/** A plan that produced no plan file (init or plan failed): only its diagnostics. */
export function failedPlan(account: string, diagnostics: readonly TerraformDiagnostic[]): PlanSummary {
  return { account, status: 'failed', changes: [], drift: [], diagnostics: [...diagnostics] };
}

