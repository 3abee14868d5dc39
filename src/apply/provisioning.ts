/**
 * Rollouts in identity-center mode: each (policy, account) rollout has a policy step (the account's
 * policy stack) and, when permission sets reference the policy there, a provision step (the
 * identity-center stack). These functions decide the events and settle the steps from what Terraform
 * reported. Pure.
 */
import { IdentityCenterChanges, IdentityCenterDesiredState, HeldBack, assignmentAddress } from '../model/identity-center';
import { IDC_LOGICAL_IDS, IDC_RESOURCE_TYPES, pairKey, parseIdentityCenterAddress } from '../core/naming';
import { DeploymentModel } from '../model/desired-state';
import { latestRows, RolloutRow, RolloutStep } from '../model/rollout';
import { AccountApplyOutcome, TerraformDiagnostic } from '../model/terraform';
import { RolloutDraft } from './rollout-events';

/** Whether a rollout needs the provision step: the policy is referenced by permission sets in the account (an edit needs none: IdC references a policy by name). */
export function needsProvisioning(row: Pick<RolloutRow, 'event' | 'permissionSets'>): boolean {
  return row.event !== 'EDIT' && (row.permissionSets?.length ?? 0) > 0;
}

/**
 * The rollouts an identity-center change adds to `drafts`: an ATTACH for every CMP of a permission
 * set that an account gets (a new assignment) or that is reprovisioned there (the permission set
 * changed), unless the pair already has a more telling event. "Reprovisioned" is what the AWS
 * provider does: a changed permission set is provisioned again to every account it is assigned to.
 */
export function planIdentityCenterRollouts(drafts: readonly RolloutDraft[], changes: IdentityCenterChanges, head: DeploymentModel): RolloutDraft[] {
  const byPair = new Map(drafts.map((d) => [pairKey(d.policy, d.account), d]));
  const out = [...drafts];
  const sets = new Map((head.identityCenter?.permissionSets ?? []).map((p) => [p.permissionSet, p]));
  for (const [permissionSet, accounts] of changes.reprovisioned) {
    for (const cmp of sets.get(permissionSet)?.customerManagedPolicies ?? []) {
      for (const account of accounts) {
        const key = pairKey(cmp, account);
        const prev = byPair.get(key);
        if (prev) {
          // the pair already has a rollout: it is provisioned through this permission set too
          if (!prev.permissionSets.includes(permissionSet)) {
            const merged = { ...prev, permissionSets: [...prev.permissionSets, permissionSet].sort() };
            out[out.indexOf(prev)] = merged;
            byPair.set(key, merged);
          }
          continue;
        }
        const d: RolloutDraft = { policy: cmp, account, event: 'ATTACH', permissionSets: [permissionSet] };
        out.push(d);
        byPair.set(key, d);
      }
    }
  }
  return out.sort((a, b) => (a.account + a.policy < b.account + b.policy ? -1 : 1));
}

/** The policy step of a row, from its latest state: its own step, or (a row written before steps existed) the row itself. */
function policyStep(row: RolloutRow): Pick<RolloutStep, 'status' | 'error'> {
  const step = row.steps?.find((s) => s.step === 'policy');
  // a run that died during the policy stacks left the step PENDING: whether the policy exists is unknown
  if (step?.status === 'PENDING' && row.status === 'FAILED') return { status: 'FAILED', error: row.error };
  return step ?? { status: row.status, error: row.error };
}

/**
 * Accounts whose policy stack last failed for some policy, from the ledger: the latest rollout of a
 * (policy, account) pair has a FAILED policy step. Pairs in `rerun` are left out: this run settles
 * them. Such an account is not provisioned until a retry succeeds there.
 */
export function ledgerBlockedAccounts(rows: readonly RolloutRow[], rerun: ReadonlySet<string> = new Set()): Map<string, string> {
  const latest = new Map<string, RolloutRow>();
  for (const r of latestRows(rows)) {
    const key = pairKey(r.policy, r.account);
    const prev = latest.get(key);
    if (!prev || Date.parse(r.startedAt) >= Date.parse(prev.startedAt)) latest.set(key, r);
  }
  const blocked = new Map<string, string>();
  for (const [key, r] of latest) {
    if (rerun.has(key)) continue;
    const step = policyStep(r);
    if (step.status === 'FAILED' && !blocked.has(r.account)) blocked.set(r.account, `the rollout of ${r.policy} there failed (${step.error ?? 'no error recorded'}); run prism retry ${r.policy}`);
  }
  return blocked;
}

/** A row's overall status and error from its steps: FAILED when any step failed, PENDING while any is, else SUCCESS. */
export function withSteps(row: RolloutRow, steps: readonly RolloutStep[]): RolloutRow {
  const failed = steps.find((s) => s.status === 'FAILED');
  const pending = steps.some((s) => s.status === 'PENDING');
  const status = failed ? 'FAILED' : pending ? 'PENDING' : 'SUCCESS';
  const endedAt = status === 'PENDING' ? undefined : [...steps].map((s) => s.endedAt).filter(Boolean).sort().pop();
  const { error: _e, endedAt: _t, ...rest } = row;
  return { ...rest, status, ...(failed ? { error: `${failed.step}: ${failed.error ?? 'failed'}` } : {}), ...(endedAt ? { endedAt } : {}), steps };
}

/**
 * After the policy stacks: each row's policy step is what its account's apply said (`settled`), and
 * rows that need provisioning wait for it. A delete's policy step waits instead: the policy is
 * deleted only after no permission set references it.
 */
export function afterPolicyStacks(settled: readonly RolloutRow[]): RolloutRow[] {
  return settled.map((r) => {
    const policy: RolloutStep = { step: 'policy', status: r.status, ...(r.error ? { error: r.error } : {}), ...(r.endedAt ? { endedAt: r.endedAt } : {}) };
    if (r.event === 'DELETE') {
      const ready = r.status === 'SUCCESS';
      return withSteps(r, [
        ready ? { step: 'provision', status: 'PENDING' } : { step: 'provision', status: 'FAILED', error: `not started: the account's policy stack failed: ${r.error ?? 'no error recorded'}`, ...(r.endedAt ? { endedAt: r.endedAt } : {}) },
        { step: 'policy', status: 'PENDING' },
      ]);
    }
    return withSteps(r, needsProvisioning(r) ? [policy, { step: 'provision', status: 'PENDING' }] : [policy]);
  });
}

/** Why the identity-center stack did not provision something, for the rows that wait. */
export interface ProvisioningContext {
  /** Accounts not provisioned, and why (their policy stack failed, in this run or before). */
  readonly blocked: ReadonlyMap<string, string>;
  readonly held: HeldBack;
  readonly base?: IdentityCenterDesiredState;
  readonly head?: IdentityCenterDesiredState;
  /** The identity-center stack's apply, or undefined when it did not run (nothing to apply). */
  readonly outcome?: AccountApplyOutcome;
  readonly endedAt: string;
}

/** The identity-center addresses that provision `policy` in `account` through `permissionSets`. */
export function provisioningAddresses(policy: string, account: string, permissionSets: readonly string[], base: IdentityCenterDesiredState | undefined, head: IdentityCenterDesiredState | undefined): Set<string> {
  const out = new Set<string>();
  for (const ps of permissionSets) {
    out.add(`${IDC_RESOURCE_TYPES.permissionSet}.${IDC_LOGICAL_IDS.permissionSet(ps)}`);
    out.add(`${IDC_RESOURCE_TYPES.cmpAttachment}.${IDC_LOGICAL_IDS.cmpAttachment(ps, policy)}`);
    for (const state of [base, head]) for (const a of state?.assignments ?? []) if (a.permissionSet === ps && a.account === account) out.add(assignmentAddress(a));
  }
  return out;
}

const text = (d: TerraformDiagnostic) => (d.detail ? `${d.summary}: ${d.detail}` : d.summary);

/** Settles the provision step of each waiting row from the identity-center stack's outcome. */
export function settleProvisioning(rows: readonly RolloutRow[], ctx: ProvisioningContext): RolloutRow[] {
  return rows.map((r) => {
    const steps = r.steps ?? [];
    const i = steps.findIndex((s) => s.step === 'provision' && s.status === 'PENDING');
    if (i < 0) return r;
    const settle = (status: 'SUCCESS' | 'FAILED', error?: string) => {
      const next = steps.map((s, k) => (k === i ? { step: s.step, status, ...(error ? { error } : {}), endedAt: ctx.endedAt } : s));
      return withSteps(r, next);
    };
    const blockedWhy = ctx.blocked.get(r.account);
    if (blockedWhy) return settle('FAILED', `not provisioned: the policy stack of account ${r.account} failed: ${blockedWhy}`);
    const heldBy = (r.permissionSets ?? []).filter((ps) => ctx.held.permissionSets.has(ps));
    if (heldBy.length) {
      const others = [...new Set(heldBy.flatMap((ps) => ctx.held.permissionSets.get(ps) ?? []))].sort();
      return settle('FAILED', `held back: permission set(s) ${heldBy.join(', ')} are also provisioned to account(s) ${others.join(', ')}, whose policy stack failed; a change to a permission set reprovisions all of its accounts, so it waits until prism retry succeeds there`);
    }
    const outcome = ctx.outcome;
    if (!outcome) return settle('SUCCESS');
    if (outcome.setupError) return settle('FAILED', outcome.setupError);
    if (outcome.exitCode === 0) return settle('SUCCESS');
    const report = outcome.report;
    const relevant = provisioningAddresses(r.policy, r.account, r.permissionSets ?? [], ctx.base, ctx.head);
    const errored = [...(report?.errored ?? [])].filter((a) => relevant.has(a));
    const errors = report?.errors ?? [];
    if (errored.length) {
      const mine = errors.filter((d) => (d.address ? relevant.has(d.address) : `${d.summary} ${d.detail ?? ''}`.includes(r.account) || errored.some((a) => `${d.summary} ${d.detail ?? ''}`.includes(a))));
      return settle('FAILED', (mine.length ? mine : errors).map(text).join('; ') || `terraform apply of the identity-center stack failed (exit code ${outcome.exitCode})`);
    }
    const finished = report?.planned && [...report.changes].filter((a) => relevant.has(a)).every((a) => report.completed.has(a));
    if (finished) return settle('SUCCESS');
    const general = errors.filter((d) => !(d.address && parseIdentityCenterAddress(d.address)));
    return settle('FAILED', outcome.exitCode === null ? 'interrupted: terraform was killed' : (general.length ? general : errors).map(text).join('; ') || `terraform apply of the identity-center stack failed (exit code ${outcome.exitCode})`);
  });
}

/** After the removals: the policy step of each delete whose references were removed. */
export function settleDeletes(rows: readonly RolloutRow[], removed: ReadonlyMap<string, RolloutRow>): RolloutRow[] {
  return rows.map((r) => {
    if (r.event !== 'DELETE' || !r.steps) return r;
    const steps = r.steps;
    const i = steps.findIndex((s) => s.step === 'policy' && s.status === 'PENDING');
    if (i < 0) return r;
    const provision = steps.find((s) => s.step === 'provision');
    const outcome = removed.get(r.id);
    const step: RolloutStep =
      provision?.status !== 'SUCCESS'
        ? { step: 'policy', status: 'FAILED', error: 'not deleted: permission sets may still reference it until provisioning succeeds', ...(provision?.endedAt ? { endedAt: provision.endedAt } : {}) }
        : outcome
          ? { step: 'policy', status: outcome.status === 'SUCCESS' ? 'SUCCESS' : 'FAILED', ...(outcome.error ? { error: outcome.error } : {}), ...(outcome.endedAt ? { endedAt: outcome.endedAt } : {}) }
          : { step: 'policy', status: 'FAILED', error: 'not deleted: the account was not applied again' };
    return withSteps(r, steps.map((s, k) => (k === i ? step : s)));
  });
}
