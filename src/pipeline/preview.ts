/**
 * The preview use case: what a change does to every policy in every account, in the product's
 * words, merged with discovery and Terraform's plans, written to a file and optionally posted as the
 * one comment on the pull request.
 */
import * as path from 'node:path';
import { writeFileAtomic } from '../artifacts/atomic-file';
import { loadPlanSummaries } from '../artifacts/plan-file';
import { classifyEdit, EditClassification } from '../change/classify';
import { hasErrors } from '../core/diagnostics';
import { usageError } from '../core/errors';
import { buildPreview, confirmedDeletes, Preview, RESULT_LABELS, resultLabels } from '../preview/preview';
import { GITHUB_COMMENT_LIMIT, PREVIEW_MARKER, previewToJson, renderPreview } from '../preview/render';
import { appendStepSummary, isFork, pullRequestEvent, repositorySlug, repositoryUrl, STEP_SUMMARY_LIMIT, workflowRunUrl } from '../adapters/github/actions';
import { workingTreeCommit } from '../adapters/git/read-tree';
import { loadChange } from './change';
import { ledgerBlockedAccounts } from '../apply/provisioning';
import { diffIdentityCenter } from '../model/identity-center';
import { membershipChanges, unitsOf } from '../model/organizations';
import { buildIdentityCenterPreview } from '../preview/identity-center';
import { Reporter } from './reporter';

/** The default file the full preview is written to, relative to the repository root. */
export const DEFAULT_PREVIEW_FILE = path.join('.prism', 'preview.md');

/** Inputs of `preview`. */
export interface PreviewInput {
  readonly dir: string;
  /** The commit the pull request goes into. */
  readonly base: string;
  /** @default the working tree */
  readonly head?: string;
  readonly discoveryFile?: string;
  /** Plan files (several: sharded plan jobs). @default <dir>/.prism/plan.json when present */
  readonly planFiles?: readonly string[];
  /** Deletes confirmed on the command line, besides the pull request's labels and description. */
  readonly confirmDeletes?: readonly string[];
  /** @default <dir>/.prism/preview.md */
  readonly out?: string;
  /**
   * Post (create or update) the one preview comment on the pull request; with `labels`, also set the
   * result labels (prism:breaking, prism:delete-pending, prism:plan-failed, prism:invalid). A pull
   * request from a fork is not posted to (its token cannot write): the job summary has the preview.
   */
  readonly post?: { readonly pr?: number; readonly repo?: string; readonly labels?: boolean };
  /** @default new Date() */
  readonly now?: Date;
  readonly reporter: Reporter;
}

/** What `preview` produced. */
export interface PreviewOutcome {
  readonly preview: Preview;
  readonly markdown: string;
  readonly json: Record<string, unknown>;
  /** Where the full markdown was written. */
  readonly file: string;
  readonly posted?: { readonly action: 'created' | 'updated'; readonly id: number; readonly trimmed: boolean; readonly where: string; readonly labels?: { readonly added: readonly string[]; readonly removed: readonly string[] } };
  /** Why nothing was posted although --post was given (a fork's pull request). */
  readonly notPosted?: string;
  /** Why the check fails, if it does: validation errors, unconfirmed deletes, failed plans. */
  readonly failures: readonly string[];
}

/** Builds the preview of the change from `base` to `head`, writes it, and posts it when asked. */
export async function preview(input: PreviewInput): Promise<PreviewOutcome> {
  const { dir, reporter } = input;
  const ctx = await loadChange({ dir, base: input.base, head: input.head, discoveryFile: input.discoveryFile && path.resolve(input.discoveryFile), reporter });
  const plan = loadPlanSummaries(dir, input.planFiles);

  // the pull request: delete confirmations, and where to post
  const event = pullRequestEvent();
  const number = input.post?.pr ?? event?.number;
  let labels = event?.labels ?? [];
  let body = event?.body ?? '';
  let poster: (() => Promise<PreviewOutcome['posted']>) | undefined;
  const notPosted = input.post && event && isFork(event) ? `not posted: pull request #${event.number} comes from the fork ${event.headRepo}, whose token cannot write; the preview is in the job summary` : undefined;
  if (input.post && !notPosted) {
    if (!number) throw usageError('--post needs the pull request: --pr N, or run in a pull_request workflow');
    const { createGitHub, parseRepoSlug } = await import('../adapters/github/client');
    const { commentAuthor, readPullRequest, setResultLabels, upsertComment } = await import('../adapters/github/comment');
    const gh = createGitHub({ log: (l) => reporter.info(l) });
    const pr = { ...parseRepoSlug(input.post.repo ?? repositorySlug()), number };
    if (!event) ({ labels, body } = await readPullRequest(gh, pr));
    const current = labels;
    poster = async () => {
      const { markdown, trimmed } = renderPreview(built, { limit: GITHUB_COMMENT_LIMIT - 100 });
      const r = await upsertComment(gh, pr, markdown, PREVIEW_MARKER, await commentAuthor(gh), (l) => reporter.info(l));
      const labelled = input.post?.labels ? await setResultLabels(gh, pr, current, resultLabels(built), Object.values(RESULT_LABELS)) : undefined;
      return { ...r, trimmed, where: `${pr.owner}/${pr.repo}#${pr.number}`, ...(labelled ? { labels: labelled } : {}) };
    };
  }
  const confirmed = confirmedDeletes(labels, body);
  for (const n of input.confirmDeletes ?? []) confirmed.add(n);

  // what each edit means: additive, breaking or mixed (wildcards expanded with iam-expand)
  const classifications = new Map<string, EditClassification>();
  for (const name of ctx.library.editedPolicies) classifications.set(name, await classifyEdit(ctx.base.documents.policies.get(name)?.document, ctx.head.documents.policies.get(name)?.document));

  // identity-center mode: the identity-center stack's changes, and accounts the ledger says are not ready
  const identityCenter = ctx.headModel.identityCenter
    ? buildIdentityCenterPreview(diffIdentityCenter(ctx.baseModel.identityCenter, ctx.headModel.identityCenter), ledgerBlockedAccounts(ctx.ledger.rows))
    : undefined;
  // organizational units: joined or left since the last apply (the locks), and since the lock was written (discovery)
  const units = [...new Set([...unitsOf(ctx.base.documents), ...unitsOf(ctx.head.documents)])];
  const organizations = units.length
    ? { sinceLastApply: membershipChanges(ctx.base.organizations, ctx.head.organizations, units), notYetLocked: membershipChanges(ctx.head.organizations, ctx.discovery?.organizations, units) }
    : undefined;

  // the header: which commits, when, which run
  const headCommit = ctx.headCommit ?? (event?.headSha && /^[0-9a-f]{40}$/.test(event.headSha) ? event.headSha : await workingTreeCommit(dir));
  const built = buildPreview({
    classifications,
    baseCommit: ctx.baseCommit,
    headLabel: input.head ?? 'working tree',
    header: { ...(headCommit ? { headCommit } : {}), updatedAt: (input.now ?? new Date()).toISOString(), runUrl: workflowRunUrl(), repoUrl: repositoryUrl() },
    fingerprint: ctx.head.fingerprint,
    base: ctx.base.documents,
    head: ctx.head.documents,
    headDiagnostics: ctx.head.diagnostics,
    library: ctx.library,
    changes: ctx.changes,
    discovery: ctx.discovery,
    plan,
    confirmedDeletes: confirmed,
    work: { accountsBuilt: ctx.affected.size, totalAccounts: ctx.totalAccounts },
    ...(identityCenter ? { identityCenter } : {}),
    ...(organizations ? { organizations } : {}),
  });
  const markdown = renderPreview(built).markdown;

  // the full text always goes to a file the workflow uploads; the job summary holds what fits in 1 MiB
  const file = path.resolve(input.out ?? path.join(dir, DEFAULT_PREVIEW_FILE));
  writeFileAtomic(file, markdown + '\n');
  appendStepSummary(renderPreview(built, { limit: STEP_SUMMARY_LIMIT - 4096, bytes: true, note: { fullAt: `the \`prism-preview\` artifact (${path.basename(file)})`, limit: "GitHub's 1 MiB job summary limit" } }).markdown);
  const posted = poster ? await poster() : undefined;

  const failures: string[] = [];
  if (hasErrors(ctx.head.diagnostics)) failures.push('the repository has validation errors');
  for (const n of built.unconfirmedDeletes) failures.push(`deleting ${n} is not confirmed (label prism:delete:${n}, or "Prism-Confirm-Delete: ${n}" in the description)`);
  for (const c of built.conflicts) failures.push(`Prism-${c.policy} cannot be created in account ${c.account}: a policy of that name exists at path ${c.path}`);
  const failedPlans = (plan ?? []).filter((p) => p.status === 'failed').length;
  if (failedPlans) failures.push(`terraform plan failed in ${failedPlans} account(s)`);
  if (built.unplannedAccounts.length) failures.push(`no Terraform plan for ${built.unplannedAccounts.length} affected account(s): ${built.unplannedAccounts.slice(0, 10).join(', ')}${built.unplannedAccounts.length > 10 ? ', …' : ''}`);
  return { preview: built, markdown, json: previewToJson(built), file, ...(posted ? { posted } : {}), ...(notPosted ? { notPosted } : {}), failures };
}
