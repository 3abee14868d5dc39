/**
 * Reads Terraform's `-json` streamed UI (plan and apply): diagnostics, planned changes, and what
 * happened to each resource.
 * @see https://developer.hashicorp.com/terraform/internals/machine-readable-ui
 */
import { ApplyReport, TerraformDiagnostic } from '../../model/terraform';

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

