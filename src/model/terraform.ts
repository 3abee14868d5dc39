/**
 * What Terraform said, as typed results. The Terraform adapter (src/adapters/terraform) parses
 * `terraform show -json` and the `-json` streamed UI into these; the stages above it (preview,
 * apply) only ever see them, never Terraform's raw formats.
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

/** How one account's apply ended. */
export interface AccountApplyOutcome {
  /** null when the process was killed. */
  readonly exitCode: number | null;
  /** What the stream said of each resource (absent when apply never ran). */
  readonly report?: ApplyReport;
  /** When init (or anything before apply) failed: its message. */
  readonly setupError?: string;
}

/** Terraform's counts of a plan, as its CLI prints them ("Plan: 1 to import, 2 to add, 1 to change, 0 to destroy."). */
export interface PlanCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly import: number;
}

/**
 * Counts resource changes the way Terraform does: a replacement is one to add and one to destroy;
 * an import is counted on its own, and its update (if any) as a change.
 */
export function planCounts(changes: readonly ResourceChangeSummary[]): PlanCounts {
  let add = 0;
  let change = 0;
  let destroy = 0;
  let imports = 0;
  for (const c of changes) {
    if (c.importing !== undefined) imports++;
    if (c.actions.includes('create')) add++;
    if (c.actions.includes('delete')) destroy++;
    if (c.actions.includes('update')) change++;
  }
  return { add, change, destroy, import: imports };
}
