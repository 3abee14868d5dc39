import { DeploymentModel } from '../model/desired-state';
import { RolloutEvent, RolloutRow } from '../model/rollout';
import { AccountChange, ChangeKind, LibraryChanges } from '../change/change-set';
import { pairKey, policyOfResource, textNamesAnyPolicy, textNamesPolicy } from '../core/naming';
import { AccountApplyOutcome, TerraformDiagnostic } from '../model/terraform';

const EVENT_OF: Record<ChangeKind, RolloutEvent> = { create: 'CREATE', adopt: 'ADOPT', edit: 'EDIT', attach: 'ATTACH', detach: 'DETACH', delete: 'DELETE' };
/** When one pair has several changes, the rollout records the most consequential. */
const PRIORITY: RolloutEvent[] = ['DELETE', 'ADOPT', 'CREATE', 'EDIT', 'ATTACH', 'DETACH'];

/** A rollout about to start: a row without its run metadata. */
export interface RolloutDraft {
  readonly policy: string;
  readonly account: string;
  readonly event: RolloutEvent;
  readonly permissionSets: readonly string[];
  readonly adoptedAt?: string;
}

/**
 * The rollouts an apply records: one per (policy, account) the change touches, with its event.
 * When a permission set's AWS managed or inline policies (or role settings) change, every CMP on it
 * is re-asserted and gets an ATTACH rollout, unless the pair already has a more telling event.
 */
export function planRollouts(changes: readonly AccountChange[], library: LibraryChanges, head: DeploymentModel): RolloutDraft[] {
  const byPair = new Map<string, RolloutDraft>();
  const put = (d: RolloutDraft) => {
    const key = pairKey(d.policy, d.account);
    const prev = byPair.get(key);
    if (!prev || PRIORITY.indexOf(d.event) < PRIORITY.indexOf(prev.event)) byPair.set(key, d);
  };
  for (const c of changes) {
    const adoptedAt = c.kind === 'adopt' ? head.accounts.get(c.account)?.policies.find((p) => p.name === c.policy)?.adoptedAt : undefined;
    put({ policy: c.policy, account: c.account, event: EVENT_OF[c.kind], permissionSets: c.permissionSets, ...(adoptedAt ? { adoptedAt } : {}) });
  }
  for (const state of head.accounts.values()) {
    for (const role of state.roles) {
      if (!library.changedPermissionSets.has(role.permissionSet)) continue;
      for (const cmp of role.customerManagedPolicies) {
        const key = pairKey(cmp, state.account);
        if (!byPair.has(key)) put({ policy: cmp, account: state.account, event: 'ATTACH', permissionSets: [role.permissionSet] });
      }
    }
  }
  return [...byPair.values()].sort((a, b) => (a.account + a.policy < b.account + b.policy ? -1 : 1));
}

/**
 * Turns an account's apply outcome into final rows, from what Terraform's stream says of each
 * resource. A policy's row FAILS when one of its resources (the policy, or an attachment of it)
 * errored, with the error that names it (e.g. AWS's DeleteConflict). It succeeds when every change
 * planned for its resources completed, so one policy's failure never fails another's that applied.
 * When that cannot be known (the plan failed, or terraform was killed first), the row fails with the
 * account's error. A clean apply makes every row SUCCESS.
 */
export function settleRows(pending: readonly RolloutRow[], outcome: AccountApplyOutcome, endedAt: string): RolloutRow[] {
  if (outcome.setupError) return pending.map((r) => ({ ...r, status: 'FAILED', error: outcome.setupError, endedAt }));
  if (outcome.exitCode === 0) return pending.map((r) => ({ ...r, status: 'SUCCESS', endedAt }));
  const report = outcome.report ?? { planned: false, changes: new Set<string>(), completed: new Set<string>(), errored: new Set<string>(), errors: [] };
  const text = (d: TerraformDiagnostic) => (d.detail ? `${d.summary}: ${d.detail}` : d.summary);
  const mentions = (d: TerraformDiagnostic, policy: string) => textNamesPolicy(`${d.summary} ${d.detail ?? ''}`, policy);
  // an error about some Prism policy (by address, or naming its ARN) is that policy's, not the account's
  const general = report.errors.filter((d) => !(d.address && policyOfResource(d.address)) && !textNamesAnyPolicy(`${d.summary} ${d.detail ?? ''}`));
  const accountError = outcome.exitCode === null ? 'interrupted: terraform was killed' : general.length ? general.map(text).join('; ') : `terraform apply failed (exit code ${outcome.exitCode})`;
  return pending.map((r) => {
    const own = (address: string) => policyOfResource(address) === r.policy;
    if ([...report.errored].some(own)) {
      const why = report.errors.filter((d) => (d.address ? own(d.address) : mentions(d, r.policy)));
      return { ...r, status: 'FAILED', error: why.length ? why.map(text).join('; ') : accountError, endedAt };
    }
    const finished = report.planned && [...report.changes].filter(own).every((a) => report.completed.has(a));
    return finished ? { ...r, status: 'SUCCESS', endedAt } : { ...r, status: 'FAILED', error: accountError, endedAt };
  });
}

/**
 * Rows left PENDING by a run that died: older than `staleAfterMs` and never settled. The next run
 * appends them as FAILED with "interrupted", so nothing stays PENDING forever.
 */
export function interruptedRows(latest: readonly RolloutRow[], now: Date, staleAfterMs: number): RolloutRow[] {
  return latest
    .filter((r) => r.status === 'PENDING' && now.getTime() - Date.parse(r.startedAt) > staleAfterMs)
    .map((r) => ({ ...r, status: 'FAILED' as const, error: 'interrupted: the run that started this rollout stopped before it finished', endedAt: now.toISOString() }));
}
