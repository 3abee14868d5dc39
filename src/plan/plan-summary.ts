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
  /** Objects changed outside Terraform since the last apply (resource_drift). */
  readonly drift: readonly { readonly address: string; readonly actions: readonly string[] }[];
  readonly diagnostics: readonly TerraformDiagnostic[];
}

interface ShowJsonChange {
  address: string;
  type: string;
  name: string;
  action_reason?: string;
  change: { actions: string[]; importing?: { id?: string } };
}

/** Summarises `terraform show -json` output. Accepts the text or the parsed object. */
export function summarizePlan(account: string, showJson: string | object, diagnostics: readonly TerraformDiagnostic[] = []): PlanSummary {
  const plan = (typeof showJson === 'string' ? JSON.parse(showJson) : showJson) as {
    resource_changes?: ShowJsonChange[];
    resource_drift?: ShowJsonChange[];
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
  const drift = (plan.resource_drift ?? []).map((d) => ({ address: d.address, actions: d.change.actions }));
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

/** Decodes a logical ID key back to the name (inverse of synth's encodeKey). */
export function decodeKey(key: string): string {
  return key.replace(/_([0-9a-f]{2})/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)));
}

/** The CMP an `aws_iam_policy.cmp_<key>` address manages, if it is one. */
export function policyOfAddress(address: string): string | undefined {
  const m = /^aws_iam_policy\.cmp_(.+)$/.exec(address);
  return m ? decodeKey(m[1]) : undefined;
}
