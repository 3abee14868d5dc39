/**
 * The apply, retry and rollout-status use cases. Apply converges on what the repository says: every
 * account whose stack fingerprint differs from its latest watermark in the ledger is applied with
 * real Terraform, and each (policy, account) it touches is recorded as a rollout, PENDING before any
 * account starts and SUCCESS or FAILED after; an account that succeeded in full gets a new
 * watermark. A cancelled, failed or skipped run therefore never loses a merge: the next run applies
 * whatever is still different.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { LedgerContent, latestWatermarks, Watermark } from '../artifacts/ledger';
import { applyStacks } from '../apply/apply-stacks';
import { interruptedRows, planRollouts, RolloutDraft } from '../apply/rollout-events';
import { latestPerAccount, renderRolloutTable, summaryChips } from '../apply/rollout-table';
import { AccountChange, diffModels, libraryChanges } from '../change/change-set';
import { stackName } from '../core/naming';
import { buildModel } from '../model/build-model';
import { DeploymentModel } from '../model/desired-state';
import { stackFingerprint } from '../model/fingerprint';
import { latestRows, materialisedPairs, RolloutReview, RolloutRow } from '../model/rollout';
import { contentFingerprint } from '../load/content-fingerprint';
import { readRepoFromDisk } from '../load/read-repo';
import { readReviewMarker, PREVIEW_MARKER } from '../preview/render';
import { githubContext, mergedPullRequestOfRun } from './github';
import { RepoDocuments } from '../model/types';
import { Paint } from '../core/paint';
import { appendStepSummary, repositoryUrl, STEP_SUMMARY_LIMIT, workflowRunUrl } from '../adapters/github/actions';
import { usageError } from '../core/errors';
import { closestMatch } from '../core/suggest';
import { mdCode, mdLink } from '../core/markdown';
import { resolveRef } from '../adapters/git/read-tree';
import type { LedgerStore, RunWriter } from '../adapters/git/ledger-store';
import { loadDiscoveryResults } from '../artifacts/discovery-file';
import { openLedger, readLedger } from './ledger';
import { loadRepository, loadRepositoryAtRef } from './repository';
import { planIdentityCenterRollouts } from '../apply/provisioning';
import { IDENTITY_CENTER_STACK } from '../core/naming';
import { diffIdentityCenter, identityCenterChanged, IdentityCenterDesiredState } from '../model/identity-center';
import { identityCenterFingerprint } from '../model/fingerprint';
import { AccountDesiredState } from '../model/desired-state';
import { runIdentityCenterRollouts } from './identity-center';
import { Refused, refuseOnErrors, Reporter } from './reporter';
import { synthesizeToFolder } from './synth';
import { terraformRunner } from './terraform';

/** How a run applies and records. */
export interface RunOptions {
  readonly dir: string;
  /** terraform or tofu. @default --terraform, PRISM_TERRAFORM, settings */
  readonly terraform?: string;
  /** @default settings terraform.concurrency */
  readonly concurrency?: number;
  /** Failed accounts tolerated before no new account starts. @default 0 (retry: every account retried) */
  readonly failureTolerance?: number;
  /** The pull request, recorded on each row. */
  readonly pullRequest?: number;
  /** Record rollouts in the ledger on the remote. @default true */
  readonly ledger?: boolean;
  /** PENDING rows older than this, left by a killed run, become FAILED "interrupted". @default 120 */
  readonly staleAfterMinutes?: number;
  readonly reporter: Reporter;
}

/** What a run did. */
export interface RunOutcome {
  readonly kind: 'applied';
  readonly accounts: readonly string[];
  readonly rows: readonly RolloutRow[];
  readonly failedAccounts: readonly string[];
  readonly skippedAccounts: readonly string[];
  /** Policies with a FAILED rollout in this run: each is retried with `prism retry <policy>`. */
  readonly failedPolicies: readonly string[];
  /** The rollout table of each policy the run touched, as text and markdown. */
  readonly tables: readonly { readonly policy: string; readonly text: string; readonly markdown: string }[];
}

/** Nothing to apply. */
export interface NothingToApply {
  readonly kind: 'nothing';
  readonly why: string;
}

/** One account to apply: the model that holds its stack, and its fingerprint for the watermark. */
interface Target {
  readonly account: string;
  readonly fingerprint: string;
}

/**
 * Applies `targets` (their stacks synthesised from `model`) and records every draft as a rollout in
 * this run's own ledger file, then a watermark for each account that succeeded in full. Rows an
 * earlier run left PENDING and stale are marked interrupted first.
 */
async function runRollouts(
  o: RunOptions & {
    targets: readonly Target[];
    model: DeploymentModel;
    drafts: readonly (RolloutDraft & { retryOf?: string })[];
    plansDir?: string;
    store?: LedgerStore;
    recorded: LedgerContent;
    review?: RolloutReview;
    /** Identity-center mode: the state it was last applied at, and whether the identity-center stack itself changes. */
    identityCenter?: IdentityCenterTarget;
  },
): Promise<RunOutcome> {
  const { dir, reporter, model } = o;
  const accounts = o.targets.map((t) => t.account);
  const settings = model.settings;
  const outDir = path.join(dir, 'cdktf.out');
  await synthesizeToFolder({ ...model, accounts: new Map([...model.accounts].filter(([a]) => accounts.includes(a))) }, { outDir, repoRoot: dir });
  for (const account of accounts) {
    const reviewed = o.plansDir && path.join(o.plansDir, `${account}.tfplan`);
    if (reviewed && fs.existsSync(reviewed)) fs.copyFileSync(reviewed, path.join(outDir, 'stacks', stackName(account), 'tfplan'));
  }

  // PENDING rows, and rows an earlier run left PENDING marked interrupted
  const commit = (await simpleGit(dir).revparse(['HEAD'])).trim();
  const runId = randomUUID();
  const startedAt = new Date().toISOString();
  const runUrl = workflowRunUrl();
  const pending: RolloutRow[] = o.drafts.map((d) => ({
    id: randomUUID(),
    runId,
    policy: d.policy,
    account: d.account,
    event: d.event,
    status: 'PENDING',
    startedAt,
    commit,
    ...(o.pullRequest ? { pullRequest: o.pullRequest } : {}),
    ...(runUrl ? { runUrl } : {}),
    permissionSets: d.permissionSets,
    ...(d.adoptedAt ? { adoptedAt: d.adoptedAt } : {}),
    ...(d.retryOf ? { retryOf: d.retryOf } : {}),
    ...(o.review ? { review: o.review } : {}),
  }));
  const writer: RunWriter | undefined = o.store?.run(runId, startedAt);
  if (writer) {
    const stale = interruptedRows(latestRows(o.recorded.rows), new Date(), (o.staleAfterMinutes ?? 120) * 60_000);
    if (stale.length) reporter.info(`apply: marking ${stale.length} rollout(s) left PENDING by an interrupted run as FAILED`);
    await writer.append([...stale, ...pending], `prism: ${pending.length} rollout(s) pending for ${commit.slice(0, 12)}`);
  }

  const byAccount = new Map<string, RolloutRow[]>();
  for (const r of pending) byAccount.set(r.account, [...(byAccount.get(r.account) ?? []), r]);
  const { applyStack } = await import('../adapters/terraform/runner');
  const runner = terraformRunner(dir, settings, o.terraform, reporter);
  reporter.progress(0, accounts.length, 'accounts');
  const exitCodes = new Map<string, number | null>();
  const onSettled = (account: string, rows: RolloutRow[], done: number, total: number) => {
    const failed = rows.filter((r) => r.status === 'FAILED');
    reporter.accountDone(account, `${failed.length ? `FAILED (${failed[0].error})` : 'SUCCESS'} (${rows.length} rollout(s))`, failed.length === 0);
    reporter.progress(done, total, 'accounts');
  };
  const result = model.identityCenter
    ? await runIdentityCenterRollouts({
        dir,
        outDir,
        model,
        base: o.identityCenter?.base,
        baseAccounts: o.identityCenter?.baseAccounts,
        accounts,
        pending: byAccount,
        priorRows: o.recorded.rows,
        identityCenterChanged: o.identityCenter?.changed ?? false,
        concurrency: o.concurrency ?? settings.terraform.concurrency,
        failureTolerance: o.failureTolerance ?? 0,
        runner,
        applyStack: async (r, account, stackDir, options) => {
          const outcome = await applyStack(r, account, stackDir, options);
          if (account !== IDENTITY_CENTER_STACK) exitCodes.set(account, outcome.setupError ? -1 : outcome.exitCode);
          return outcome;
        },
        record: async (rows, message) => void (writer && (await writer.append(rows, `${message} for ${commit.slice(0, 12)}`))),
        reporter,
        onSettled,
      })
    : await applyStacks(accounts, byAccount, {
        concurrency: o.concurrency ?? settings.terraform.concurrency,
        failureTolerance: o.failureTolerance ?? 0,
        now: () => new Date(),
        applyAccount: async (account) => {
          reporter.accountNews(account, 'terraform init');
          const outcome = await applyStack(runner, account, path.join(outDir, 'stacks', stackName(account)));
          exitCodes.set(account, outcome.setupError ? -1 : outcome.exitCode);
          return outcome;
        },
        onSettled,
      });
  // a watermark only where terraform applied the whole stack
  const endedAt = new Date().toISOString();
  const watermarks: Watermark[] = o.targets
    .filter((t) => exitCodes.get(t.account) === 0 && !result.failedAccounts.includes(t.account))
    .map((t) => ({ type: 'applied', account: t.account, commit, stateHash: t.fingerprint, at: endedAt, runId }));
  // and for the identity-center stack, when it holds everything the repository says
  const idc = model.identityCenter;
  if (idc && o.identityCenter && result.identityCenterComplete) watermarks.push({ type: 'applied', account: idc.account, stack: IDENTITY_CENTER_STACK, commit, stateHash: o.identityCenter.fingerprint, at: endedAt, runId });
  if (writer) await writer.append([...result.rows, ...watermarks], `prism: ${result.rows.length} rollout(s) settled for ${commit.slice(0, 12)}`);

  const all = [...o.recorded.rows, ...(writer ? [...pending, ...result.rows] : result.rows)];
  const repoUrl = repositoryUrl();
  const tables = [...new Set(result.rows.map((r) => r.policy))].sort().map((policy) => ({ policy, text: renderRolloutTable(policy, all, { format: 'text', repoUrl }), markdown: renderRolloutTable(policy, all, { format: 'markdown', repoUrl }) }));
  appendStepSummary(fitRolloutTables(tables.map((t) => t.policy), all, repoUrl));
  const failedPolicies = [...new Set(result.rows.filter((r) => r.status === 'FAILED').map((r) => r.policy))].sort();
  return { kind: 'applied', accounts, rows: result.rows, failedAccounts: result.failedAccounts, skippedAccounts: result.skippedAccounts, failedPolicies, tables };
}

/**
 * The rollout tables of `policies` for a job summary, within GitHub's limit of 1 MiB per step:
 * every row when they fit, else fewer rows per policy (the chips always stay).
 */
export function fitRolloutTables(policies: readonly string[], rows: readonly RolloutRow[], repoUrl?: string, limit = STEP_SUMMARY_LIMIT): string {
  for (const maxRows of [undefined, 200, 50, 10, 0]) {
    const text = policies.map((policy) => renderRolloutTable(policy, rows, { format: 'markdown', repoUrl, maxRows })).join('\n');
    if (Buffer.byteLength(text) <= limit) return text;
  }
  return `${policies.length} policies were rolled out; their tables are too large for a job summary: \`prism rollouts <policy>\` shows each.\n`;
}

/** Inputs of `apply`. */
export interface ApplyInput extends RunOptions {
  /** For accounts with no watermark yet (a ledger from before watermarks): the commit before the merge. */
  readonly base: string;
  /** Only these of the accounts to apply (a shard). */
  readonly accounts?: readonly string[];
  /** Reviewed plan files <plansDir>/<account>.tfplan to apply instead of planning again. */
  readonly plansDir?: string;
  /** The pull request merged as the workflow's commit, looked up on GitHub (`--pr auto`); overrides `pullRequest`. */
  readonly findPullRequest?: boolean;
  /**
   * The fingerprint the preview showed (`--reviewed`, its first 12 characters at least). Default:
   * read from Prism's preview comment on the pull request, when there is one.
   */
  readonly reviewed?: string;
}

/** Whether apply applies what was reviewed, and the line that says so. */
export interface ReviewCheck {
  readonly verdict: RolloutReview;
  readonly line: string;
  /** The fingerprint of the repository's files now. */
  readonly fingerprint: string;
}

/**
 * Compares the fingerprint of the repository's files (what apply is about to apply) with the one the
 * preview showed: read from `--reviewed`, else from Prism's own comment on the merged pull request.
 * Equal: what was reviewed is applied. Different: the base moved since the preview, so the merge
 * result was never previewed as a whole.
 */
export async function checkReview(input: { readonly dir: string; readonly pullRequest?: number; readonly reviewed?: string; readonly reporter: Reporter }): Promise<ReviewCheck> {
  const fingerprint = loadRepository(input.dir).fingerprint;
  let reviewed = input.reviewed?.toLowerCase();
  let source = 'the --reviewed fingerprint';
  if (!reviewed && input.pullRequest !== undefined) {
    const ctx = await githubContext(input.reporter);
    const { findComment } = await import('../adapters/github/comment');
    const comment = await findComment(ctx.gh, { ...ctx.repo, number: input.pullRequest }, PREVIEW_MARKER, await ctx.author(), (l) => input.reporter.info(`apply: ${l}`));
    reviewed = comment && readReviewMarker(comment.body)?.fingerprint;
    source = `the preview of pull request #${input.pullRequest}`;
  }
  if (!reviewed) {
    return { verdict: 'unreviewed', fingerprint, line: `apply: nothing to compare with what was reviewed (${input.pullRequest === undefined ? 'no pull request' : `no Prism preview on pull request #${input.pullRequest}`}); applying the repository as it is (fingerprint ${fingerprint.slice(0, 12)})` };
  }
  if (reviewed.length >= 12 && fingerprint.startsWith(reviewed)) return { verdict: 'reviewed', fingerprint, line: `apply: applying what was reviewed: the repository's files match ${source} (fingerprint ${fingerprint.slice(0, 12)})` };
  return {
    verdict: 'differs',
    fingerprint,
    line: `apply: warning: the repository differs from what was reviewed (${source} showed fingerprint ${reviewed.slice(0, 12)}; main now has ${fingerprint.slice(0, 12)}): the base moved since the preview. The preview of what this merge applies is in the job summary, and every rollout of this run is recorded with review "differs"`,
  };
}

/** What apply would do: the accounts whose stack differs from what was last applied, and their changes. */
interface Convergence {
  readonly head: RepoDocuments;
  readonly model: DeploymentModel;
  readonly targets: Target[];
  readonly drafts: RolloutDraft[];
  readonly ledger: LedgerContent;
  readonly store?: LedgerStore;
  /** Identity-center mode: the identity-center stack's state and changes. */
  readonly identityCenter?: IdentityCenterTarget & { readonly account: string };
  /** Accounts that differ from what was last applied there, but that --accounts leaves out. */
  readonly leftOut: readonly string[];
}

/** The identity-center stack in a run: what it was last applied at, and whether it changes now. */
interface IdentityCenterTarget {
  /** Its state where it was last applied (its watermark's commit, else the base). */
  readonly base?: IdentityCenterDesiredState;
  /** Account states there: a deleted policy is kept until its references are gone. */
  readonly baseAccounts?: ReadonlyMap<string, AccountDesiredState>;
  readonly changed: boolean;
  /** The fingerprint of its state now, for its watermark. */
  readonly fingerprint: string;
}

/**
 * Works out what apply must do to converge on the repository: every account with a stack whose
 * fingerprint differs from its latest watermark. Each such account's changes are measured from the
 * commit it was last applied at (its watermark), or from `base` when it has none yet.
 */
async function converge(input: Pick<ApplyInput, 'dir' | 'base' | 'accounts' | 'ledger' | 'reporter'>): Promise<Refused | Convergence> {
  const { dir, reporter } = input;
  const checked = loadRepository(dir);
  const refused = refuseOnErrors(checked.diagnostics, 'nothing was applied');
  if (refused) return refused;
  const head = checked.documents;
  const store = input.ledger === false ? undefined : await openLedger(dir, head.settings, reporter, { current: true });
  const ledger = store ? await store.read() : await readLedger(dir, head.settings, reporter);
  for (const p of store ? ledger.problems : []) reporter.info(`warning: skipped ledger line ${p}`);
  const materialised = materialisedPairs(ledger.rows);
  const discovery = loadDiscoveryResults(dir);
  const marks = latestWatermarks(ledger.watermarks);

  // which accounts differ from what was last applied there, grouped by where they were last applied
  const full = buildModel(head, { materialised, discovery });
  const byBefore = new Map<string, Target[]>();
  const leftOut: string[] = [];
  for (const state of full.accounts.values()) {
    const fingerprint = stackFingerprint(state, head.settings);
    const mark = marks.get(state.account);
    if (mark?.stateHash === fingerprint) continue;
    if (input.accounts && !input.accounts.includes(state.account)) {
      leftOut.push(state.account);
      continue;
    }
    const before = mark?.commit ?? input.base;
    byBefore.set(before, [...(byBefore.get(before) ?? []), { account: state.account, fingerprint }]);
  }

  // the changes of each group, from its own base: what the rollout rows record
  const targets: Target[] = [];
  let drafts: RolloutDraft[] = [];
  const states = new Map(full.accounts);
  const baseAccounts = new Map<string, AccountDesiredState>();
  for (const [before, group] of byBefore) {
    const baseDocs = await documentsAt(dir, before, reporter, head);
    const accounts = new Set(group.map((t) => t.account));
    const baseModel = buildModel(baseDocs, { materialised, accounts });
    for (const [a, s] of baseModel.accounts) baseAccounts.set(a, s);
    const headModel = buildModel(head, { materialised, base: baseDocs, discovery, accounts });
    for (const [a, s] of headModel.accounts) states.set(a, s);
    const changes: AccountChange[] = diffModels(baseModel, headModel);
    drafts.push(...planRollouts(changes, libraryChanges(baseDocs, head), headModel));
    // the watermark records the state this run applies
    for (const t of group) {
      const applied = headModel.accounts.get(t.account);
      if (applied) targets.push({ account: t.account, fingerprint: stackFingerprint(applied, head.settings) });
    }
  }
  targets.sort((a, b) => (a.account < b.account ? -1 : 1));

  // identity-center mode: the identity-center stack converges the same way, from its own watermark
  let identityCenter: Convergence['identityCenter'];
  const idc = full.identityCenter;
  if (idc) {
    const fingerprint = identityCenterFingerprint(idc, head.settings);
    const mark = marks.get(IDENTITY_CENTER_STACK);
    const base = mark?.stateHash === fingerprint ? idc : buildModel(await documentsAt(dir, mark?.commit ?? input.base, reporter, head), { materialised }).identityCenter;
    const changes = diffIdentityCenter(base, idc);
    drafts = planIdentityCenterRollouts(drafts, changes, full);
    identityCenter = { account: idc.account, base, baseAccounts, changed: identityCenterChanged(changes), fingerprint };
  }
  return { head, model: { ...full, accounts: states }, targets, drafts, ledger, store, leftOut: leftOut.sort(), ...(identityCenter ? { identityCenter } : {}) };
}

/** GitHub's `before` for the first push of a branch: no commit at all. */
const NO_COMMIT = /^0{40}$/;

/**
 * The documents of the repository at `ref` (they validated when they were merged; problems now are
 * reported, not fatal). The all-zero SHA (GitHub's `before` of a first push) is an empty repository.
 */
async function documentsAt(dir: string, ref: string, reporter: Reporter, head: RepoDocuments): Promise<RepoDocuments> {
  if (NO_COMMIT.test(ref)) return { settings: head.settings, policies: new Map(), permissionSets: new Map(), assignments: [] };
  await resolveRef(dir, ref);
  const { documents, diagnostics } = await loadRepositoryAtRef(dir, ref);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (errors) reporter.info(`apply: warning: the repository at ${ref.slice(0, 12)} has ${errors} validation error(s); its invalid files count as absent there`);
  return documents;
}

/** The accounts `apply` would apply, for a shard matrix. */
export async function accountsToApply(input: Pick<ApplyInput, 'dir' | 'base' | 'accounts' | 'ledger' | 'reporter'>): Promise<Refused | { kind: 'accounts'; accounts: string[] }> {
  const c = await converge(input);
  if ('kind' in c) return c;
  const accounts = c.targets.map((t) => t.account);
  // identity-center mode: a change to the identity-center stack alone still needs an apply job
  if (c.identityCenter?.changed && !accounts.includes(c.identityCenter.account)) accounts.push(c.identityCenter.account);
  return { kind: 'accounts', accounts: accounts.sort() };
}

/** Applies every account whose stack differs from what was last applied there, recording each rollout. */
export async function apply(input: ApplyInput): Promise<Refused | NothingToApply | (RunOutcome & { readonly review: ReviewCheck })> {
  const c = await converge(input);
  if ('kind' in c) return c;
  if (c.targets.length === 0 && !c.identityCenter?.changed) return { kind: 'nothing', why: 'every account already holds what the repository says' };
  if (c.identityCenter && c.leftOut.length) {
    // the identity-center stack follows every policy stack of the change: one job applies them all
    throw usageError(`in identity-center mode one apply runs every affected account before the ${IDENTITY_CENTER_STACK} stack; --accounts leaves out ${c.leftOut.join(', ')}`, 'Run prism apply without --accounts, or with PRISM_SHARDS=1 (one shard).');
  }
  const accounts = new Set(c.targets.map((t) => t.account));
  const drafts = c.drafts.filter((d) => accounts.has(d.account));
  const pullRequest = input.findPullRequest ? await mergedPullRequestOfRun(await githubContext(input.reporter)) : input.pullRequest;
  const review = await checkReview({ dir: input.dir, pullRequest, reviewed: input.reviewed, reporter: input.reporter });
  input.reporter.info(review.line);
  if (review.verdict === 'differs') {
    // what this merge applies, previewed now, since nobody saw it as a whole
    appendStepSummary(`## What this merge applies\n\nThe repository differs from what the pull request's preview showed: the base moved since. This is the preview of the merge as applied.\n`);
    const { preview } = await import('./preview');
    await preview({ dir: input.dir, base: input.base, out: path.join(input.dir, '.prism', 'apply-preview.md'), reporter: input.reporter });
  }
  input.reporter.info(`apply: ${c.targets.length} account(s), ${drafts.length} rollout(s)${c.identityCenter ? `, then the ${IDENTITY_CENTER_STACK} stack` : ''}`);
  const outcome = await runRollouts({ ...input, pullRequest, targets: c.targets, model: c.model, drafts, store: c.store, recorded: c.ledger, review: review.verdict, ...(c.identityCenter ? { identityCenter: c.identityCenter } : {}) });
  return { ...outcome, review };
}

/**
 * Re-runs the most recent rollout of `policy` in every account where it FAILED, and nothing else,
 * from the current repository; new rows point at the failed ones (retryOf).
 */
export async function retry(input: RunOptions & { readonly policy: string }): Promise<Refused | NothingToApply | RunOutcome> {
  const { dir, policy, reporter } = input;
  const checked = loadRepository(dir);
  const refused = refuseOnErrors(checked.diagnostics, 'nothing was retried');
  if (refused) return refused;
  const settings = checked.documents.settings;
  const store = input.ledger === false ? undefined : await openLedger(dir, settings, reporter, { current: true });
  const ledger = store ? await store.read() : await readLedger(dir, settings, reporter);
  requireKnownPolicy(policy, checked.documents, ledger.rows);
  const failed = latestPerAccount(ledger.rows, policy).filter((r) => r.status === 'FAILED');
  if (failed.length === 0) return { kind: 'nothing', why: `no failed rollout of ${policy}` };
  const model = buildModel(checked.documents, { materialised: materialisedPairs(ledger.rows), discovery: loadDiscoveryResults(dir), accounts: new Set(failed.map((r) => r.account)) });
  // identity-center mode: a failed provision step retries the identity-center stack too
  reporter.info(`retry: ${policy} in ${failed.length} account(s): ${failed.map((r) => r.account).join(', ')}`);
  return runRollouts({
    ...input,
    failureTolerance: input.failureTolerance ?? failed.length,
    targets: failed.filter((r) => model.accounts.has(r.account)).map((r) => ({ account: r.account, fingerprint: stackFingerprint(model.accounts.get(r.account)!, settings) })),
    model,
    drafts: failed.map((r) => ({ policy, account: r.account, event: r.event, permissionSets: r.permissionSets ?? [], adoptedAt: r.adoptedAt, retryOf: r.id })),
    store,
    recorded: ledger,
  });
}

/**
 * A usage error (with a "did you mean") unless `policy` is a policy of the repository or has rows in
 * the ledger (a deleted policy keeps its history).
 */
function requireKnownPolicy(policy: string, documents: RepoDocuments, rows: readonly RolloutRow[]): void {
  if (documents.policies.has(policy) || rows.some((r) => r.policy === policy)) return;
  const known = new Set([...documents.policies.keys(), ...rows.map((r) => r.policy)]);
  const guess = closestMatch(policy, known);
  throw usageError(`no policy named ${policy}: it is not in policies/ and the rollout ledger has no rollout of it${guess ? `; did you mean ${guess}?` : ''}`, guess ? undefined : 'Policy names are the file names in policies/ without .json, and are case-sensitive.');
}

/** A policy's rollouts in the ledger: the latest per account, the whole history, and the table. */
export interface RolloutStatus {
  readonly kind: 'rollouts';
  readonly policy: string;
  readonly summary: string;
  readonly latest: readonly RolloutRow[];
  readonly history: readonly RolloutRow[];
  /** The table, as asked (text or markdown); also appended to the job summary in Actions. */
  readonly table: string;
  /** Accounts whose latest rollout of the policy FAILED. */
  readonly failedAccounts: readonly string[];
}

/** A policy of the repository with no rollout recorded yet. */
export interface NoRollouts {
  readonly kind: 'none';
  readonly policy: string;
}

/**
 * A policy's rollouts, from the ledger branch (fetched). `all`: the whole history, newest first,
 * instead of the latest per account. A name that is neither a policy of the repository nor in the
 * ledger is a usage error with a "did you mean".
 */
export async function rolloutStatus(input: { readonly dir: string; readonly policy: string; readonly all?: boolean; readonly format?: 'text' | 'markdown'; readonly paint?: Paint; readonly reporter: Reporter }): Promise<RolloutStatus | NoRollouts> {
  const documents = loadRepository(input.dir).documents;
  const { rows } = await readLedger(input.dir, documents.settings, input.reporter);
  requireKnownPolicy(input.policy, documents, rows);
  const history = latestRows(rows).filter((r) => r.policy === input.policy);
  if (history.length === 0) return { kind: 'none', policy: input.policy };
  const latest = latestPerAccount(rows, input.policy);
  const repoUrl = repositoryUrl();
  appendStepSummary(fitRolloutTables([input.policy], rows, repoUrl));
  return {
    kind: 'rollouts',
    policy: input.policy,
    summary: summaryChips(latest),
    latest,
    history,
    table: renderRolloutTable(input.policy, rows, { format: input.format ?? 'text', all: input.all, repoUrl, paint: input.paint }),
    failedAccounts: latest.filter((r) => r.status === 'FAILED').map((r) => r.account),
  };
}

/** One policy whose latest rollout failed somewhere. */
export interface FailedPolicy {
  readonly policy: string;
  readonly summary: string;
  readonly failedAccounts: readonly string[];
}

/** Every policy in the ledger whose latest rollout FAILED in some account (for `prism rollouts --check`). */
export async function failedRollouts(input: { readonly dir: string; readonly reporter: Reporter }): Promise<{ readonly policies: number; readonly failed: readonly FailedPolicy[] }> {
  const settings = loadRepository(input.dir).documents.settings;
  const { rows } = await readLedger(input.dir, settings, input.reporter);
  const policies = [...new Set(rows.map((r) => r.policy))].sort();
  const failed = policies.flatMap((policy) => {
    const latest = latestPerAccount(rows, policy);
    const accounts = latest.filter((r) => r.status === 'FAILED').map((r) => r.account);
    return accounts.length ? [{ policy, summary: summaryChips(latest), failedAccounts: accounts }] : [];
  });
  return { policies: policies.length, failed };
}

/** Marker of the rollout report comment on a merged pull request. */
export const ROLLOUT_REPORT_MARKER = '<!-- prism-rollout-report -->';

/** What `prism rollouts --this-run` found, and where it was posted. */
export interface RunReport {
  readonly runUrl: string;
  readonly rows: readonly RolloutRow[];
  readonly failedPolicies: readonly string[];
  readonly markdown: string;
  /** The pull request commented on, or why none was. */
  readonly posted?: { readonly pullRequest: number; readonly id: number };
  readonly notPosted?: string;
}

/**
 * The rollouts this workflow run recorded (every shard's, by the run's link), as the report the
 * apply workflow's last job posts on the merged pull request: whether every account succeeded,
 * whether what was applied is what was reviewed, the rollout table of each policy, and the retry
 * command of each policy that failed. Also appended to the job summary.
 */
export async function reportThisRun(input: { readonly dir: string; readonly post?: boolean; readonly reporter: Reporter }): Promise<RunReport> {
  const runUrl = workflowRunUrl();
  if (!runUrl) throw usageError('--this-run reports the rollouts of the current GitHub Actions run: GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_RUN_ID are not all set');
  const settings = loadRepository(input.dir).documents.settings;
  const { rows: all } = await readLedger(input.dir, settings, input.reporter);
  const rows = latestRows(all).filter((r) => r.runUrl === runUrl);
  const policies = [...new Set(rows.map((r) => r.policy))].sort();
  const failedPolicies = [...new Set(rows.filter((r) => r.status === 'FAILED').map((r) => r.policy))].sort();
  const failedAccounts = new Set(rows.filter((r) => r.status === 'FAILED').map((r) => r.account));
  const accounts = new Set(rows.map((r) => r.account));
  const reviews = new Set(rows.map((r) => r.review ?? 'unreviewed'));
  const status = rows.length === 0
    ? 'This run recorded no rollout: every account already held what the repository says, or the apply did not start (see the run).'
    : failedPolicies.length
      ? `❌ **${failedAccounts.size} of ${accounts.size} account(s) failed.** Fix the cause, then retry each policy (Actions → prism retry → Run workflow, or with deploy credentials): ${failedPolicies.map((p) => mdCode(`prism retry ${p}`)).join(', ')}.`
      : `✅ **Applied to every account** (${accounts.size} account(s), ${rows.length} rollout(s)).`;
  const review = reviews.has('differs')
    ? "⚠️ The repository differed from what the pull request's preview showed (the base moved since): the run's job summary has the preview of what was applied."
    : reviews.has('unreviewed')
      ? 'ℹ️ No preview fingerprint to compare with: what was applied was not checked against a review.'
      : rows.length
        ? '✅ What was applied is what the preview showed (the fingerprints match).'
        : '';
  const markdown = [ROLLOUT_REPORT_MARKER, '## Prism rollout', '', status, '', ...(review ? [review, ''] : []), mdLink('Workflow run', runUrl), '', fitRolloutTables(policies, rows, repositoryUrl(), 60_000)].join('\n');
  appendStepSummary(markdown);
  if (!input.post) return { runUrl, rows, failedPolicies, markdown };
  const ctx = await githubContext(input.reporter);
  const pr = await mergedPullRequestOfRun(ctx);
  if (pr === undefined) return { runUrl, rows, failedPolicies, markdown, notPosted: 'no pull request was merged as this commit (a direct push): nothing to comment on' };
  const { addComment } = await import('../adapters/github/comment');
  const id = await addComment(ctx.gh, { ...ctx.repo, number: pr }, markdown);
  return { runUrl, rows, failedPolicies, markdown, posted: { pullRequest: pr, id } };
}
