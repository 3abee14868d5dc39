/**
 * The drift use case: what was edited outside Prism, from refresh-only plans and discovery; with
 * `post`, the one drift issue is opened or updated when there is drift, and closed when a complete
 * check finds none.
 */
import { loadDiscoveryResults } from '../artifacts/discovery-file';
import { loadPlanSummaries } from '../artifacts/plan-file';
import { DRIFT_LABEL, DRIFT_MARKER, DriftFinding, findDrift, renderDriftReport } from '../preview/drift-report';
import { PlanSummary } from '../model/terraform';
import { usageError } from '../core/errors';
import { mdLink } from '../core/markdown';
import { workflowRunUrl } from '../adapters/github/actions';
import { githubContext } from './github';
import { Reporter } from './reporter';

/** What `drift` found, and the drift issue's markdown. */
export interface DriftOutcome {
  readonly findings: readonly DriftFinding[];
  readonly failedPlans: readonly PlanSummary[];
  /** Accounts discovery could not look into. */
  readonly failedDiscovery: readonly string[];
  /** Every account in the plans and discovery read was checked (none failed). */
  readonly checkedAll: boolean;
  /** And both plans and discovery were read: "no drift" can be trusted, and closes the issue. */
  readonly complete: boolean;
  readonly markdown: string;
  /** What happened to the drift issue (with --post). */
  readonly issue?: { readonly action: 'opened' | 'updated' | 'closed' | 'unchanged'; readonly number?: number; readonly why?: string };
}

/** Inputs of `drift`. */
export interface DriftInput {
  readonly dir: string;
  readonly planFiles?: readonly string[];
  readonly discoveryFile?: string;
  /** @default today (UTC) */
  readonly today?: string;
  /** Open, update or close the drift issue (GITHUB_TOKEN, GITHUB_REPOSITORY). */
  readonly post?: boolean;
  readonly reporter?: Reporter;
}

/** Reads refresh-only plans (default <dir>/.prism/plan.json) and discovery, and reports drift. */
export async function drift(input: DriftInput): Promise<DriftOutcome> {
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
  const failedDiscovery = Object.entries(discovery?.accounts ?? {}).filter(([, a]) => a.status === 'error').map(([account]) => account);
  const checkedAll = failed.length === 0 && failedDiscovery.length === 0;
  const complete = Boolean(loaded && discovery) && checkedAll;
  const markdown = renderDriftReport(findings, failed, input.today ?? new Date().toISOString().slice(0, 10), failedDiscovery);
  const outcome = { findings, failedPlans: failed, failedDiscovery, checkedAll, complete, markdown };
  if (!input.post) return outcome;
  return { ...outcome, issue: await postDrift(outcome, input) };
}

/** Opens or updates the drift issue when there is drift; closes it when a complete check found none. */
async function postDrift(o: Omit<DriftOutcome, 'issue'>, input: DriftInput): Promise<NonNullable<DriftOutcome['issue']>> {
  const reporter = input.reporter ?? { info: () => undefined, progress: () => undefined, accountNews: () => undefined, accountDone: () => undefined };
  const ctx = await githubContext(reporter);
  const { findIssue, writeIssue } = await import('../adapters/github/comment');
  const existing = await findIssue(ctx.gh, ctx.repo, DRIFT_LABEL, DRIFT_MARKER, await ctx.author());
  if (o.findings.length) {
    if (existing) return { action: 'updated', number: await writeIssue(ctx.gh, ctx.repo, { update: existing.number, body: o.markdown }) };
    return { action: 'opened', number: await writeIssue(ctx.gh, ctx.repo, { open: { title: 'Prism: policies or roles edited outside Prism', body: o.markdown, label: DRIFT_LABEL } }) };
  }
  if (!existing) return { action: 'unchanged', why: 'no drift, and no open drift issue' };
  if (!o.complete) return { action: 'unchanged', number: existing.number, why: 'no drift found, but the check was incomplete (an account could not be checked, or plans or discovery were missing): the issue stays open until a complete check' };
  const run = workflowRunUrl();
  const comment = `Drift cleared: the check of ${input.today ?? new Date().toISOString().slice(0, 10)} found every Prism policy and role as Prism applied it, in every account.${run ? ` ${mdLink('Workflow run', run)}.` : ''}`;
  return { action: 'closed', number: await writeIssue(ctx.gh, ctx.repo, { close: existing.number, comment }) };
}
