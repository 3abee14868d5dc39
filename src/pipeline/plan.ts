/**
 * The plan use case: `terraform plan` for every account a change affects, each account's result
 * summarised for the preview, and the summaries written to the plan file.
 */
import * as path from 'node:path';
import { DEFAULT_PLAN_FILE, writePlanFile } from '../artifacts/plan-file';
import { MAX_MATRIX_JOBS, Shard, shardAccounts } from '../change/shards';

export { MAX_MATRIX_JOBS };
import { accountRoleArn, IDENTITY_CENTER_STACK, stackName } from '../core/naming';
import { diffIdentityCenter, identityCenterChanged } from '../model/identity-center';
import { mapPool } from '../core/pool';
import { setStepOutput } from '../adapters/github/actions';
import { planCounts as countPlan, PlanSummary } from '../model/terraform';
import { ChangeContext, loadChange } from './change';
import { Refused, refuseOnErrors, Reporter } from './reporter';
import { synthesizeToFolder } from './synth';
import { terraformRunner } from './terraform';

/** Inputs of `plan`. */
export interface PlanInput {
  readonly dir: string;
  /** Plan the accounts the change from this ref affects. */
  readonly base?: string;
  /** Plan every account. */
  readonly all?: boolean;
  /** Only these of the accounts. */
  readonly accounts?: readonly string[];
  /** @default <dir>/.prism/plan.json */
  readonly out?: string;
  /** @default settings terraform.concurrency */
  readonly concurrency?: number;
  /** terraform or tofu. @default --terraform, PRISM_TERRAFORM, settings */
  readonly terraform?: string;
  /** Only what changed outside Terraform (the drift check). */
  readonly refreshOnly?: boolean;
  readonly reporter: Reporter;
}

/** What `plan` did. */
export type PlanOutcome = Refused | { readonly kind: 'planned'; readonly file: string; readonly summaries: readonly PlanSummary[]; readonly failed: readonly string[] };

/** The accounts `plan` would plan, for a shard matrix: every affected account with a stack. */
export async function accountsToPlan(input: Pick<PlanInput, 'dir' | 'base' | 'all' | 'accounts' | 'reporter'>): Promise<Refused | { kind: 'accounts'; accounts: string[] }> {
  const ctx = await loadChange({ dir: input.dir, base: input.base ?? 'HEAD', all: input.all, reporter: input.reporter });
  const refused = refuseOnErrors(ctx.head.diagnostics, 'nothing was planned');
  if (refused) return refused;
  const accounts = [...ctx.headModel.accounts.keys()];
  // identity-center mode: the shard that holds the IdC account plans the identity-center stack
  const idc = identityCenterToPlan(ctx, input.all);
  if (idc && !accounts.includes(idc)) accounts.push(idc);
  return { kind: 'accounts', accounts: accounts.sort().filter((a) => !input.accounts || input.accounts.includes(a)) };
}

/** The identity-center account when the change (or --all) touches the identity-center stack, else undefined. */
export function identityCenterToPlan(ctx: ChangeContext, all: boolean | undefined): string | undefined {
  const head = ctx.headModel.identityCenter;
  if (!head) return undefined;
  return all || identityCenterChanged(diffIdentityCenter(ctx.baseModel.identityCenter, head)) ? head.account : undefined;
}

/**
 * A GitHub Actions matrix splitting `accounts` into at most `shards` jobs, also set as the step
 * output `matrix` when running in Actions. Each shard job then runs its command with --accounts.
 */
export function shardMatrix(accounts: readonly string[], shards: number): { readonly matrix: { include: Shard[] }; readonly json: string } {
  const matrix = { include: shardAccounts(accounts, shards) };
  const json = JSON.stringify(matrix);
  setStepOutput('matrix', json);
  return { matrix, json };
}

/**
 * Synthesises the stacks of the accounts to plan, then runs, per account and `concurrency` at a
 * time: `terraform init`, `plan -json -out=tfplan` assuming the read-only plan role, and
 * `show -json tfplan`. A failure in one account is that account's result; the others go on.
 */
export async function plan(input: PlanInput): Promise<PlanOutcome> {
  const { dir, reporter } = input;
  const ctx = await loadChange({ dir, base: input.base ?? 'HEAD', all: input.all, reporter });
  const refused = refuseOnErrors(ctx.head.diagnostics, 'nothing was planned');
  if (refused) return refused;
  const settings = ctx.head.documents.settings;
  const accounts = [...ctx.headModel.accounts.keys()].filter((a) => !input.accounts || input.accounts.includes(a));
  const outDir = path.join(dir, 'cdktf.out');
  await synthesizeToFolder({ ...ctx.headModel, accounts: new Map([...ctx.headModel.accounts].filter(([a]) => accounts.includes(a))) }, { outDir, repoRoot: dir });

  const { planStack } = await import('../adapters/terraform/runner');
  const runner = terraformRunner(dir, settings, input.terraform, reporter);
  let done = 0;
  reporter.progress(0, accounts.length, 'accounts');
  const summaries = await mapPool(accounts, input.concurrency ?? settings.terraform.concurrency, async (account) => {
    reporter.accountNews(account, 'terraform init');
    const s = await planStack(runner, account, path.join(outDir, 'stacks', stackName(account)), { roleArn: accountRoleArn(settings.planRole.arnPattern, account), refreshOnly: input.refreshOnly });
    reporter.accountDone(account, s.status === 'failed' ? `FAILED: ${s.diagnostics.map((d) => d.summary).join('; ')}` : planCounts(s), s.status !== 'failed');
    reporter.progress(++done, accounts.length, 'accounts');
    return s;
  });
  // identity-center mode: the identity-center stack, with the plan role of its account
  const idc = identityCenterToPlan(ctx, input.all);
  const idcSettings = settings.identityCenter;
  if (idc && idcSettings && (!input.accounts || input.accounts.includes(idc))) {
    const s = await planStack(runner, IDENTITY_CENTER_STACK, path.join(outDir, 'stacks', IDENTITY_CENTER_STACK), { roleArn: accountRoleArn(idcSettings.planRole.arnPattern, idc), refreshOnly: input.refreshOnly });
    if (s.status === 'failed') reporter.info(`plan: the ${IDENTITY_CENTER_STACK} stack failed: ${s.diagnostics.map((d) => d.summary).join('; ')}`);
    summaries.push(s);
  }
  const file = path.resolve(input.out ?? path.join(dir, DEFAULT_PLAN_FILE));
  writePlanFile(file, ctx.baseCommit, summaries);
  return { kind: 'planned', file, summaries, failed: summaries.filter((s) => s.status === 'failed').map((s) => s.account) };
}

/** Terraform's own words for one account's plan: "2 to add, 1 to change, 0 to destroy, 1 to import". */
function planCounts(s: PlanSummary): string {
  const c = countPlan(s.changes);
  return `${c.add} to add, ${c.change} to change, ${c.destroy} to destroy${c.import ? `, ${c.import} to import` : ''}`;
}
