import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyStacks } from '../apply/apply-stacks';
import { interruptedRows, RolloutDraft } from '../apply/rollout-events';
import { renderRolloutTable } from '../apply/rollout-table';
import { DeploymentModel } from '../model/desired-state';
import { latestRows, RolloutRow } from '../model/rollout';
import { stackName } from '../synth/addresses';
import { info } from './args';
import { AccountBoard, Progress } from './progress';

/** Where a run records its rollouts, and how it applies. */
export interface RunRolloutsOptions {
  readonly dir: string;
  /** The accounts to apply (their stacks are synthesised from `model`). */
  readonly accounts: readonly string[];
  readonly model: DeploymentModel;
  readonly drafts: readonly (RolloutDraft & { retryOf?: string })[];
  readonly commit: string;
  readonly pullRequest?: number;
  readonly terraform: string;
  readonly concurrency: number;
  readonly failureTolerance: number;
  /** Reviewed plan files: <plans>/<account>.tfplan. */
  readonly plansDir?: string;
  /** Record rollouts in the git ledger. @default true */
  readonly ledger: boolean;
  readonly staleAfterMinutes: number;
}

function runUrl(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = process.env;
  return server && repo && id ? `${server}/${repo}/actions/runs/${id}` : undefined;
}

/**
 * Applies accounts and records every (policy, account) rollout: PENDING in the ledger before any
 * account starts, then SUCCESS or FAILED with Terraform's error. Returns the exit code: 0 only when
 * every account succeeded.
 */
export async function runRollouts(o: RunRolloutsOptions): Promise<number> {
  const { synthesizeStacks } = await import('../synth/synthesize');
  const { applyStack, pluginCacheDir } = await import('../adapters/terraform/terraform');
  const outDir = path.join(o.dir, 'cdktf.out');
  const model = { ...o.model, accounts: new Map([...o.model.accounts].filter(([a]) => o.accounts.includes(a))) };
  await synthesizeStacks(model, { outDir, repoRoot: o.dir });
  for (const account of o.accounts) {
    const plan = o.plansDir && path.join(o.plansDir, `${account}.tfplan`);
    if (plan && fs.existsSync(plan)) fs.copyFileSync(plan, path.join(outDir, 'stacks', stackName(account), 'tfplan'));
  }

  // PENDING rows, and rows an earlier run left PENDING marked interrupted
  const runId = randomUUID();
  const startedAt = new Date().toISOString();
  const pending: RolloutRow[] = o.drafts.map((d) => ({
    id: randomUUID(),
    runId,
    policy: d.policy,
    account: d.account,
    event: d.event,
    status: 'PENDING',
    startedAt,
    commit: o.commit,
    ...(o.pullRequest ? { pullRequest: o.pullRequest } : {}),
    ...(runUrl() ? { runUrl: runUrl() } : {}),
    permissionSets: d.permissionSets,
    ...(d.adoptedAt ? { adoptedAt: d.adoptedAt } : {}),
    ...(d.retryOf ? { retryOf: d.retryOf } : {}),
  }));
  const { LedgerWriter } = await import('../adapters/git/ledger');
  const ledger = o.ledger ? await LedgerWriter.open({ repoDir: o.dir, log: info }) : undefined;
  try {
    if (ledger) {
      const stale = interruptedRows(latestRows(ledger.readRows()), new Date(), o.staleAfterMinutes * 60_000);
      if (stale.length) info(`apply: marking ${stale.length} rollout(s) left PENDING by an interrupted run as FAILED`);
      await ledger.append([...stale, ...pending], `prism: ${pending.length} rollout(s) pending for ${o.commit.slice(0, 12)}`);
    }

    const byAccount = new Map<string, RolloutRow[]>();
    for (const r of pending) byAccount.set(r.account, [...(byAccount.get(r.account) ?? []), r]);
    const progress = new Progress('apply');
    const board = new AccountBoard('apply');
    const runner = {
      binary: o.terraform,
      pluginCacheDir: pluginCacheDir(o.dir, o.model.settings.terraform.pluginCache),
      onMessage: (account: string, m: { '@message': string }) => board.update(account, m['@message']),
    };
    const result = await applyStacks(o.accounts, byAccount, {
      concurrency: o.concurrency,
      failureTolerance: o.failureTolerance,
      now: () => new Date(),
      applyAccount: (account) => {
        board.update(account, 'terraform init');
        return applyStack(runner, account, path.join(outDir, 'stacks', stackName(account)));
      },
      onSettled: (account, rows, done, total) => {
        const failed = rows.filter((r) => r.status === 'FAILED');
        board.finish(account, `${failed.length ? `FAILED (${failed[0].error})` : 'SUCCESS'} (${rows.length} rollout(s))`);
        progress.update(done, total, 'accounts');
      },
    });
    if (ledger) await ledger.append(result.rows, `prism: ${result.rows.length} rollout(s) settled for ${o.commit.slice(0, 12)}`);

    // the rollout table, per policy, in the job summary
    const policies = [...new Set(result.rows.map((r) => r.policy))].sort();
    const all = ledger ? ledger.readRows() : result.rows;
    if (process.env.GITHUB_STEP_SUMMARY) {
      fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, policies.map((p) => renderRolloutTable(p, all, { format: 'markdown' })).join('\n') + '\n');
    }
    for (const p of policies) process.stdout.write(renderRolloutTable(p, all, { format: 'text' }) + '\n\n');
    const skipped = result.skippedAccounts.length ? `, ${result.skippedAccounts.length} not started (failure tolerance ${o.failureTolerance})` : '';
    info(`applied ${o.accounts.length - result.failedAccounts.length - result.skippedAccounts.length} of ${o.accounts.length} account(s); ${result.failedAccounts.length} failed${skipped}`);
    return result.failedAccounts.length || result.skippedAccounts.length ? 1 : 0;
  } finally {
    await ledger?.close();
  }
}
