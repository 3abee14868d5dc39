/**
 * Applying in identity-center mode, in order: every account's policy stack first, then the one
 * identity-center stack (permission sets and account assignments), then, for policies being deleted,
 * the account stacks again. An account whose policy stack failed is not provisioned, and each
 * rollout row records both steps and why one did not run.
 */
import * as path from 'node:path';
import { applyStacks, ApplyStacksResult } from '../apply/apply-stacks';
import { afterPolicyStacks, ledgerBlockedAccounts, settleDeletes, settleProvisioning } from '../apply/provisioning';
import { IDENTITY_CENTER_STACK, pairKey, stackName } from '../core/naming';
import { applyTargets, heldBack, holdsBack, IdentityCenterDesiredState } from '../model/identity-center';
import { AccountDesiredState, DeploymentModel } from '../model/desired-state';
import { RolloutRow } from '../model/rollout';
import { AccountApplyOutcome } from '../model/terraform';
import type { TerraformRunner } from '../adapters/terraform/runner';
import { Reporter } from './reporter';
import { synthesizeToFolder } from './synth';

/** What the identity-center run needs from `runRollouts`. */
export interface IdentityCenterRunOptions {
  readonly dir: string;
  /** Where the head stacks (accounts and identity-center) were synthesised. */
  readonly outDir: string;
  /** The head model, restricted to the accounts of the run. */
  readonly model: DeploymentModel;
  /** The identity-center state at the base commit (what is provisioned now). @default the head's */
  readonly base?: IdentityCenterDesiredState;
  /** Account states at the base commit: a deleted policy is kept there until its references are gone. */
  readonly baseAccounts?: ReadonlyMap<string, AccountDesiredState>;
  readonly accounts: readonly string[];
  /** This run's PENDING rows, by account. */
  readonly pending: ReadonlyMap<string, RolloutRow[]>;
  /** The ledger before this run: accounts whose policy rollout failed earlier stay unprovisioned. */
  readonly priorRows: readonly RolloutRow[];
  /** Whether the identity-center stack has changes of its own (assignments, permission sets). */
  readonly identityCenterChanged: boolean;
  readonly concurrency: number;
  readonly failureTolerance: number;
  readonly runner: TerraformRunner;
  readonly applyStack: (runner: TerraformRunner, account: string, stackDir: string, options?: { targets?: readonly string[] }) => Promise<AccountApplyOutcome>;
  /** Appends rows to the ledger (a no-op with --no-ledger). */
  readonly record: (rows: readonly RolloutRow[], message: string) => Promise<void>;
  readonly reporter: Reporter;
  readonly onSettled?: (account: string, rows: RolloutRow[], done: number, total: number) => void;
}

/** Applies the accounts' policy stacks, then the identity-center stack, then the deletes; settles every row. */
export async function runIdentityCenterRollouts(o: IdentityCenterRunOptions): Promise<ApplyStacksResult> {
  const { reporter } = o;
  const head = o.model.identityCenter!;
  const base = o.base ?? head;
  const now = () => new Date().toISOString();
  const stackDir = (out: string, name: string) => path.join(out, 'stacks', name);

  // 1. the policy stacks; an account deleting a policy keeps it for now (the references go first)
  const deleting = new Set([...o.pending.values()].flat().filter((r) => r.event === 'DELETE').map((r) => r.account));
  let retainDir: string | undefined;
  if (deleting.size && o.baseAccounts) {
    const retained = new Map<string, AccountDesiredState>();
    for (const account of deleting) {
      const now = o.model.accounts.get(account);
      const before = o.baseAccounts.get(account);
      const names = new Set((now?.policies ?? []).map((p) => p.name));
      const kept = (before?.policies ?? []).filter((p) => !names.has(p.name)).map((p) => ({ ...p, attachedTo: [] }));
      retained.set(account, { account, roles: [], policies: [...(now?.policies ?? []), ...kept].sort((a, b) => (a.name < b.name ? -1 : 1)) });
    }
    retainDir = path.join(o.dir, 'cdktf.out.retain');
    await synthesizeToFolder({ settings: o.model.settings, accounts: retained }, { outDir: retainDir, repoRoot: o.dir });
  }
  reporter.info(`apply: step 1 of ${deleting.size ? 3 : 2}: the policy stacks of ${o.accounts.length} account(s)`);
  const policies = await applyStacks(o.accounts, o.pending, {
    concurrency: o.concurrency,
    failureTolerance: o.failureTolerance,
    now: () => new Date(),
    applyAccount: (account) => {
      reporter.accountNews(account, 'terraform init');
      const out = retainDir && deleting.has(account) ? retainDir : o.outDir;
      return o.applyStack(o.runner, account, stackDir(out, stackName(account)));
    },
    onSettled: o.onSettled,
  });
  let rows = afterPolicyStacks(policies.rows);
  await o.record(rows, `prism: ${rows.length} rollout(s): policy stacks done`);

  // 2. the identity-center stack, holding back what would provision an account that is not ready
  const failedHere = new Set([...policies.failedAccounts, ...policies.skippedAccounts]);
  const blocked = new Map<string, string>();
  for (const r of policies.rows) if (failedHere.has(r.account) && r.status === 'FAILED' && !blocked.has(r.account)) blocked.set(r.account, r.error ?? 'failed');
  for (const account of failedHere) if (!blocked.has(account)) blocked.set(account, 'its apply failed');
  const rerun = new Set(policies.rows.map((r) => pairKey(r.policy, r.account)));
  for (const [account, why] of ledgerBlockedAccounts(o.priorRows, rerun)) if (!blocked.has(account)) blocked.set(account, why);
  const held = heldBack(base, head, new Set(blocked.keys()));
  const targets = applyTargets(base, head, held);
  const waiting = rows.some((r) => r.steps?.some((s) => s.step === 'provision' && s.status === 'PENDING'));
  let outcome: AccountApplyOutcome | undefined;
  if ((o.identityCenterChanged || waiting) && !(targets && targets.length === 0)) {
    if (holdsBack(held)) reporter.info(`apply: holding back ${[...held.permissionSets.keys(), ...held.assignments.map((a) => `${a.permissionSet} in ${a.account}`)].join(', ')}: account(s) ${held.accounts.join(', ')} are not ready`);
    reporter.info('apply: step 2: the identity-center stack');
    reporter.accountNews(IDENTITY_CENTER_STACK, 'terraform init');
    try {
      outcome = await o.applyStack(o.runner, IDENTITY_CENTER_STACK, stackDir(o.outDir, IDENTITY_CENTER_STACK), targets ? { targets } : {});
    } catch (err) {
      outcome = { exitCode: 1, setupError: `prism could not run the apply: ${(err as Error).message}` };
    }
    const ok = outcome.exitCode === 0 && !outcome.setupError;
    reporter.accountDone(IDENTITY_CENTER_STACK, ok ? 'SUCCESS' : `FAILED (${outcome.setupError ?? outcome.report?.errors.map((e) => e.summary).join('; ') ?? `exit code ${outcome.exitCode}`})`, ok);
  } else if (holdsBack(held)) {
    reporter.info(`apply: the identity-center stack waits: everything it would change provisions account(s) ${held.accounts.join(', ')}, which are not ready`);
  }
  rows = settleProvisioning(rows, { blocked, held, base, head, outcome, endedAt: now() });

  // 3. deletes: the policy goes once nothing references it
  const readyToDelete = [...deleting].filter((account) => rows.some((r) => r.account === account && r.event === 'DELETE' && r.steps?.find((s) => s.step === 'provision')?.status === 'SUCCESS')).sort();
  const removed = new Map<string, RolloutRow>();
  if (readyToDelete.length) {
    await o.record(rows, `prism: ${rows.length} rollout(s): identity-center stack done`);
    reporter.info(`apply: step 3: deleting policies in ${readyToDelete.length} account(s)`);
    const again = new Map(readyToDelete.map((a) => [a, (o.pending.get(a) ?? []).filter((r) => r.event === 'DELETE')]));
    const result = await applyStacks(readyToDelete, again, {
      concurrency: o.concurrency,
      failureTolerance: readyToDelete.length,
      now: () => new Date(),
      applyAccount: (account) => o.applyStack(o.runner, account, stackDir(o.outDir, stackName(account))),
    });
    for (const r of result.rows) removed.set(r.id, r);
  }
  rows = settleDeletes(rows, removed);

  const failedAccounts = [...new Set(rows.filter((r) => r.status === 'FAILED').map((r) => r.account))].sort();
  // the identity-center stack's own failure counts even when no rollout row names it (an assignment of a set without CMPs)
  if (outcome && (outcome.exitCode !== 0 || outcome.setupError)) failedAccounts.push(IDENTITY_CENTER_STACK);
  const identityCenterComplete = !holdsBack(held) && (outcome ? outcome.exitCode === 0 && !outcome.setupError : true);
  return { rows, failedAccounts, skippedAccounts: policies.skippedAccounts, identityCenterComplete };
}
