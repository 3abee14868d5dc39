/**
 * What Terraform said about one account's stack, from its real machine-readable formats:
 * `terraform show -json <planfile>` (resource_changes, resource_drift, errored) and the `-json`
 * streamed UI of plan/apply (diagnostic and change_summary messages).
 */

/** One resource change in a plan. */
export interface ResourceChangeSummary {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** Terraform's actions, e.g. ["create"], ["update"], ["delete","create"], ["no-op"]. */
  readonly actions: readonly string[];
  /** The ID being imported, for an import block. */
  readonly importing?: string;
  /** True when the resource is destroyed and created again. */
  readonly replace: boolean;
  readonly actionReason?: string;
}

/** A Terraform diagnostic, reduced to what a reviewer needs. */
export interface TerraformDiagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
}

/** One account's plan, as the preview shows it. */
export interface PlanSummary {
  readonly account: string;
  readonly status: 'planned' | 'failed';
  readonly changes: readonly ResourceChangeSummary[];
  /**
   * Objects changed outside Terraform since the last apply (resource_drift), with the configured
   * attributes that changed. A change only to attributes the stack does not set (a role's
   * managed_policy_arns, which Prism's attachment resources change) is not drift.
   */
  readonly drift: readonly { readonly address: string; readonly actions: readonly string[]; readonly attributes?: readonly string[] }[];
  readonly diagnostics: readonly TerraformDiagnostic[];
}

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

/** One message of Terraform's `-json` streamed UI. */
export interface UiMessage {
  readonly '@level': string;
  readonly '@message': string;
  readonly type: string;
  readonly diagnostic?: { severity: string; summary: string; detail?: string; address?: string };
  readonly hook?: { resource?: { addr?: string }; action?: string; id_value?: string };
  readonly change?: { resource?: { addr?: string }; action?: string };
  readonly changes?: { add: number; change: number; remove: number; import?: number; operation: string };
}

/** Parses a `-json` UI stream (one JSON object a line; the last line may lack a newline). Non-JSON lines are skipped. */
export function parseUiStream(text: string): UiMessage[] {
  const out: UiMessage[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      out.push(JSON.parse(t) as UiMessage);
    } catch {
      // a line cut off by a killed process
    }
  }
  return out;
}

/** The diagnostics of a `-json` UI stream. */
export function diagnosticsFromUi(messages: readonly UiMessage[]): TerraformDiagnostic[] {
  return messages
    .filter((m) => m.type === 'diagnostic' && m.diagnostic)
    .map((m) => ({
      severity: m.diagnostic!.severity === 'error' ? ('error' as const) : ('warning' as const),
      summary: m.diagnostic!.summary,
      ...(m.diagnostic!.detail ? { detail: m.diagnostic!.detail } : {}),
      ...(m.diagnostic!.address ? { address: m.diagnostic!.address } : {}),
    }));
}

/** What an apply's `-json` stream says happened to each resource. */
export interface ApplyReport {
  /** Whether Terraform got as far as a plan (a plan change_summary or any planned_change). */
  readonly planned: boolean;
  /** Resources with a planned change (planned_change). */
  readonly changes: ReadonlySet<string>;
  /** Resources whose change completed (apply_complete). */
  readonly completed: ReadonlySet<string>;
  /** Resources whose change failed (apply_errored, or a diagnostic with an address). */
  readonly errored: ReadonlySet<string>;
  /** Error diagnostics. Terraform (1.11) gives an apply error no address: the errored hook names the resource. */
  readonly errors: readonly TerraformDiagnostic[];
}

/** Reads an apply's streamed UI into per-resource outcomes. */
export function applyReport(messages: readonly UiMessage[]): ApplyReport {
  const changes = new Set<string>();
  const completed = new Set<string>();
  const errored = new Set<string>();
  let planned = false;
  for (const m of messages) {
    const hookAddr = m.hook?.resource?.addr;
    if (m.type === 'planned_change' && m.change?.resource?.addr) {
      planned = true;
      changes.add(m.change.resource.addr);
    } else if (m.type === 'change_summary' && m.changes?.operation === 'plan') planned = true;
    else if (m.type === 'apply_complete' && hookAddr) completed.add(hookAddr);
    else if (m.type === 'apply_errored' && hookAddr) errored.add(hookAddr);
  }
  const errors = diagnosticsFromUi(messages).filter((d) => d.severity === 'error');
  for (const d of errors) if (d.address) errored.add(d.address);
  return { planned, changes, completed, errored, errors };
}

/** Decodes a logical ID key back to the name (inverse of synth's encodeKey). */
export function decodeKey(key: string): string {
  return key.replace(/_([0-9a-f]{2})/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)));
}

/** The CMP an `aws_iam_policy.cmp_<key>` address manages, if it is one. */
export function policyOfAddress(address: string): string | undefined {
  const m = /^aws_iam_policy\.cmp_(.+)$/.exec(address);
  return m ? decodeKey(m[1]) : undefined;
}
