/** The drift use case: what was edited outside Prism, from refresh-only plans and discovery. */
import { loadDiscoveryResults } from '../artifacts/discovery-file';
import { loadPlanSummaries } from '../artifacts/plan-file';
import { DriftFinding, findDrift, renderDriftReport } from '../preview/drift-report';
import { PlanSummary } from '../model/terraform';
import { usageError } from '../core/errors';

/** What `drift` found, and the drift issue's markdown. */
export interface DriftOutcome {
  readonly findings: readonly DriftFinding[];
  readonly failedPlans: readonly PlanSummary[];
  readonly markdown: string;
}

/** Reads refresh-only plans (default <dir>/.prism/plan.json) and discovery, and reports drift. */
export function drift(input: { readonly dir: string; readonly planFiles?: readonly string[]; readonly discoveryFile?: string; readonly today?: string }): DriftOutcome {
  const loaded = loadPlanSummaries(input.dir, input.planFiles);
  const discovery = loadDiscoveryResults(input.dir, input.discoveryFile);
  if (!loaded && !discovery) {
    throw usageError(
      'prism drift has nothing to compare: no refresh-only plans (.prism/plan.json, or --plan FILE) and no discovery results (.prism/discovery.json, or --discovery FILE)',
      'Run prism plan --all --refresh-only and prism discover --all first (the prism drift workflow does).',
    );
  }
  const plans = loaded ?? [];
  const { findings, failed } = findDrift(plans, discovery);
  return { findings, failedPlans: failed, markdown: renderDriftReport(findings, failed, input.today ?? new Date().toISOString().slice(0, 10)) };
}
