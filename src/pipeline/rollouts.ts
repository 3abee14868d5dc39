/**
 * The apply, retry and rollout-status use cases: apply accounts with real Terraform, and record each
 * (policy, account) as a rollout in the ledger, PENDING before any account starts and SUCCESS or
 * FAILED after.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { ledgerFile, parseLedger } from '../artifacts/ledger';
import { applyStacks } from '../apply/apply-stacks';
import { interruptedRows, planRollouts, RolloutDraft } from '../apply/rollout-events';
import { latestPerAccount, renderRolloutTable, summaryChips } from '../apply/rollout-table';
import { stackName } from '../core/naming';
import { buildModel } from '../model/build-model';
import { DeploymentModel } from '../model/desired-state';
import { latestRows, materialisedPairs, RolloutRow } from '../model/rollout';
import { loadRepository } from './repository';
import { appendStepSummary, workflowRunUrl } from '../adapters/github/actions';
import type { LedgerWriter } from '../adapters/git/ledger-store';
import { ChangeContext, loadChange } from './change';
import { planIdentityCenterRollouts } from '../apply/provisioning';
import { IDENTITY_CENTER_STACK } from '../core/naming';
import { usageError } from '../core/errors';
import { diffIdentityCenter, identityCenterChanged, IdentityCenterDesiredState } from '../model/identity-center';
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
  /** The rollout table of each policy the run touched, as text and markdown. */
  readonly tables: readonly { readonly policy: string; readonly text: string; readonly markdown: string }[];
}

/** Nothing to apply. */
export interface NothingToApply {
  readonly kind: 'nothing';
  readonly why: string;
}

/**
 * Applies `accounts` (their stacks synthesised from `model`) and records every draft as a rollout.
 * Rows an earlier run left PENDING and stale are marked interrupted first.
 */
async function runRollouts(
  o: RunOptions & {
    accounts: readonly string[];
    model: DeploymentModel;
    drafts: readonly (RolloutDraft & { retryOf?: string })[];
    plansDir?: string;
    /** Identity-center mode: the state at base, and whether the identity-center stack itself changes. */
    identityCenter?: { base?: IdentityCenterDesiredState; baseAccounts?: ReadonlyMap<string, AccountDesiredState>; changed: boolean };
    /** The ledger when it is not written (--no-ledger): accounts whose rollouts failed before. */
    priorRows?: readonly RolloutRow[];
  },
): Promise<RunOutcome> {
  const { dir, reporter, model } = o;
  const settings = model.settings;
  const outDir = path.join(dir, 'cdktf.out');
  await synthesizeToFolder({ ...model, accounts: new Map([...model.accounts].filter(([a]) => o.accounts.includes(a))) }, { outDir, repoRoot: dir });
  for (const account of o.accounts) {
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
  }));
  let ledger: LedgerWriter | undefined;
  if (o.ledger !== false) {
    const { LedgerWriter } = await import('../adapters/git/ledger-store');
    ledger = await LedgerWriter.open({ repoDir: dir, log: (l) => reporter.info(l) });
  }
  try {
    if (ledger) {
      const stale = interruptedRows(latestRows(ledger.readRows()), new Date(), (o.staleAfterMinutes ?? 120) * 60_000);
      if (stale.length) reporter.info(`apply: marking ${stale.length} rollout(s) left PENDING by an interrupted run as FAILED`);
      await ledger.append([...stale, ...pending], `prism: ${pending.length} rollout(s) pending for ${commit.slice(0, 12)}`);
    }

    const byAccount = new Map<string, RolloutRow[]>();
    for (const r of pending) byAccount.set(r.account, [...(byAccount.get(r.account) ?? []), r]);
    const { applyStack } = await import('../adapters/terraform/runner');
    const runner = terraformRunner(dir, settings, o.terraform, reporter);
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
          accounts: o.accounts,
          pending: byAccount,
          priorRows: ledger ? ledger.readRows() : o.priorRows ?? [],
          identityCenterChanged: o.identityCenter?.changed ?? false,
          concurrency: o.concurrency ?? settings.terraform.concurrency,
          failureTolerance: o.failureTolerance ?? 0,
          runner,
          applyStack,
          record: async (rows, message) => void (ledger && (await ledger.append(rows, `${message} for ${commit.slice(0, 12)}`))),
          reporter,
          onSettled,
        })
      : await applyStacks(o.accounts, byAccount, {
          concurrency: o.concurrency ?? settings.terraform.concurrency,
          failureTolerance: o.failureTolerance ?? 0,
          now: () => new Date(),
          applyAccount: (account) => {
            reporter.accountNews(account, 'terraform init');
            return applyStack(runner, account, path.join(outDir, 'stacks', stackName(account)));
          },
          onSettled,
        });
    if (ledger) await ledger.append(result.rows, `prism: ${result.rows.length} rollout(s) settled for ${commit.slice(0, 12)}`);

    const all = ledger ? ledger.readRows() : result.rows;
    const tables = [...new Set(result.rows.map((r) => r.policy))].sort().map((policy) => ({ policy, text: renderRolloutTable(policy, all, { format: 'text' }), markdown: renderRolloutTable(policy, all, { format: 'markdown' }) }));
    appendStepSummary(tables.map((t) => t.markdown).join('\n'));
    return { kind: 'applied', accounts: o.accounts, rows: result.rows, failedAccounts: result.failedAccounts, skippedAccounts: result.skippedAccounts, tables };
  } finally {
    await ledger?.close();
  }
}

/** Inputs of `apply`. */
export interface ApplyInput extends RunOptions {
  /** The commit before the merge. */
  readonly base: string;
  /** Only these of the affected accounts (a shard). */
  readonly accounts?: readonly string[];
  /** Reviewed plan files <plansDir>/<account>.tfplan to apply instead of planning again. */
  readonly plansDir?: string;
}

/** Every affected account with a stack, even one whose change records no policy rollout (a role-only change). */
function accountsOf(ctx: ChangeContext, only: readonly string[] | undefined): string[] {
  return [...ctx.affected].filter((a) => ctx.headModel.accounts.has(a) && (!only || only.includes(a))).sort();
}

/** The accounts `apply` would apply, for a shard matrix. */
export async function accountsToApply(input: Pick<ApplyInput, 'dir' | 'base' | 'accounts'>): Promise<Refused | { kind: 'accounts'; accounts: string[] }> {
  const ctx = await loadChange({ dir: input.dir, base: input.base });
  const accounts = accountsOf(ctx, undefined);
  // identity-center mode: a change to the identity-center stack alone still needs an apply job
  const idc = ctx.headModel.identityCenter;
  if (idc && identityCenterChanged(diffIdentityCenter(ctx.baseModel.identityCenter, idc)) && !accounts.includes(idc.account)) accounts.push(idc.account);
  return refuseOnErrors(ctx.head.diagnostics, 'nothing was applied') ?? { kind: 'accounts', accounts: accounts.sort().filter((a) => !input.accounts || input.accounts.includes(a)) };
}

/** Applies every account the change from `base` to the working tree affects, recording each rollout. */
export async function apply(input: ApplyInput): Promise<Refused | NothingToApply | RunOutcome> {
  const ctx = await loadChange({ dir: input.dir, base: input.base });
  const refused = refuseOnErrors(ctx.head.diagnostics, 'nothing was applied');
  if (refused) return refused;
  const idc = ctx.headModel.identityCenter ? diffIdentityCenter(ctx.baseModel.identityCenter, ctx.headModel.identityCenter) : undefined;
  const drafts = idc ? planIdentityCenterRollouts(planRollouts(ctx.changes, ctx.library, ctx.headModel), idc, ctx.headModel) : planRollouts(ctx.changes, ctx.library, ctx.headModel);
  const accounts = accountsOf(ctx, input.accounts);
  if (idc && input.accounts) {
    // the identity-center stack follows every policy stack of the change: one job applies them all
    const missing = accountsOf(ctx, undefined).filter((a) => !input.accounts!.includes(a));
    if (missing.length) throw usageError(`in identity-center mode one apply runs every affected account before the ${IDENTITY_CENTER_STACK} stack; --accounts leaves out ${missing.join(', ')}`, 'Run prism apply without --accounts, or with PRISM_SHARDS=1 (one shard).');
  }
  if (accounts.length === 0 && !(idc && identityCenterChanged(idc))) return { kind: 'nothing', why: 'the change affects no account' };
  input.reporter.info(`apply: ${accounts.length} account(s), ${drafts.length} rollout(s)${idc ? `, then the ${IDENTITY_CENTER_STACK} stack` : ''}`);
  return runRollouts({
    ...input,
    accounts,
    model: ctx.headModel,
    drafts: drafts.filter((d) => accounts.includes(d.account)),
    priorRows: ctx.head.ledgerRows,
    ...(idc ? { identityCenter: { base: ctx.baseModel.identityCenter, baseAccounts: ctx.baseModel.accounts, changed: identityCenterChanged(idc) } } : {}),
  });
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
  // the ledger as the remote has it now
  let rows: RolloutRow[];
  if (input.ledger === false) rows = parseLedger(checked.ledger).rows;
  else {
    const { LedgerWriter } = await import('../adapters/git/ledger-store');
    const ledger = await LedgerWriter.open({ repoDir: dir, log: (l) => reporter.info(l) });
    rows = ledger.readRows();
    await ledger.close();
  }
  const failed = latestPerAccount(rows, policy).filter((r) => r.status === 'FAILED');
  if (failed.length === 0) return { kind: 'nothing', why: `no failed rollout of ${policy}` };
  const model = buildModel(checked.documents, { materialised: materialisedPairs(rows), accounts: new Set(failed.map((r) => r.account)) });
  // identity-center mode: a failed provision step retries the identity-center stack too
  reporter.info(`retry: ${policy} in ${failed.length} account(s): ${failed.map((r) => r.account).join(', ')}`);
  return runRollouts({
    ...input,
    failureTolerance: input.failureTolerance ?? failed.length,
    accounts: failed.map((r) => r.account).filter((a) => model.accounts.has(a)),
    model,
    drafts: failed.map((r) => ({ policy, account: r.account, event: r.event, permissionSets: r.permissionSets ?? [], adoptedAt: r.adoptedAt, retryOf: r.id })),
    priorRows: rows,
  });
}

/** A policy's rollouts in the checkout's ledger: the latest per account, the whole history, and the table. */
export interface RolloutStatus {
  readonly policy: string;
  readonly summary: string;
  readonly latest: readonly RolloutRow[];
  readonly history: readonly RolloutRow[];
  /** Lines of the ledger that are not rows. */
  readonly problems: readonly string[];
  /** The table, as asked (text or markdown); also appended to the job summary in Actions. */
  readonly table: string;
}

/**
 * Reads a policy's rollouts from the checkout (git pull first to see the latest runs); undefined
 * when none are recorded. `all`: the whole history, newest first, instead of the latest per account.
 */
export function rolloutStatus(input: { readonly dir: string; readonly policy: string; readonly all?: boolean; readonly format?: 'text' | 'markdown' }): RolloutStatus | undefined {
  const rel = ledgerFile(input.policy);
  const file = path.join(input.dir, rel);
  if (!fs.existsSync(file)) return undefined;
  const { rows, problems } = parseLedger([{ path: rel, text: fs.readFileSync(file, 'utf8') }]);
  const latest = latestPerAccount(rows, input.policy);
  const history = latestRows(rows).filter((r) => r.policy === input.policy);
  appendStepSummary(renderRolloutTable(input.policy, rows, { format: 'markdown', all: input.all }));
  return { policy: input.policy, summary: summaryChips(latest), latest, history, problems, table: renderRolloutTable(input.policy, rows, { format: input.format ?? 'text', all: input.all }) };
}
