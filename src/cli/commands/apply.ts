import * as fs from 'node:fs';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { usageError } from '../../core/errors';
import { planRollouts } from '../../apply/rollout-events';
import { info, parseAccountList, parseFlags, refuseOnErrors, wholeNumber } from '../args';
import { printMatrix } from './plan';
import { loadChange } from '../change-context';
import { terraformBinary } from '../../adapters/terraform/terraform';
import { runRollouts } from '../run-rollouts';

export const APPLY_HELP = `prism apply --base REF [--concurrency N] [--failure-tolerance N] [--plans DIR] [--pr N]
            [--terraform BIN] [--no-ledger] [--stale-after MINUTES] [--dir DIR]

Applies every account the change from REF to the working tree affects, and records each
(policy, account) as a rollout in the ledger (rollouts/<policy>.jsonl on the remote main branch):
PENDING before any account starts, then SUCCESS or FAILED with Terraform's error.

  --concurrency N         accounts applied at once (default: settings terraform.concurrency)
  --failure-tolerance N   failed accounts tolerated before no new account starts (default 0, as
                          CloudFormation StackSets); accounts not started are recorded FAILED for retry
  --plans DIR             reviewed plan files <DIR>/<account>.tfplan to apply instead of planning again
  --pr N                  the pull request, recorded on each row
  --accounts IDS          only these of the affected accounts (a shard)
  --shards N              do not apply: print the GitHub Actions matrix of shards (see prism plan --shards);
                          shard jobs write the ledger directly: its pushes are race-safe
  --terraform BIN         terraform or tofu (default: settings terraform.binary; PRISM_TERRAFORM overrides)
  --no-ledger             do not write the ledger (a dry run of the recording)
  --stale-after MINUTES   PENDING rows older than this, left by a killed run, become FAILED "interrupted" (default 120)

Exit codes: 0 every account succeeded; 1 an account failed or the repository has errors; 2 usage; 3 git failed.`;

/** Shared flags of apply and retry. */
export const RUN_FLAGS = {
  dir: { type: 'string' },
  concurrency: { type: 'string' },
  'failure-tolerance': { type: 'string' },
  terraform: { type: 'string' },
  'no-ledger': { type: 'boolean' },
  'stale-after': { type: 'string' },
  pr: { type: 'string' },
} as const;

/** `prism apply`. */
export async function applyCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { ...RUN_FLAGS, base: { type: 'string' }, plans: { type: 'string' }, accounts: { type: 'string' }, shards: { type: 'string' } });
  if (values.help) {
    process.stdout.write(APPLY_HELP + '\n');
    return 0;
  }
  if (!values.base) throw usageError('prism apply needs --base REF (the commit before the merge)');
  const dir = path.resolve(values.dir ?? '.');
  if (values.plans && !fs.existsSync(values.plans)) throw usageError(`--plans ${values.plans} does not exist`);
  const ctx = await loadChange({ dir, base: values.base });
  if (refuseOnErrors(ctx.head.diagnostics, 'apply', 'nothing was applied')) return 1;
  const settings = ctx.head.documents.settings;
  const drafts = planRollouts(ctx.changes, ctx.library, ctx.headModel);
  // every affected account with a stack, even one whose change records no policy rollout (a role-only change)
  const only = parseAccountList(values.accounts);
  const accounts = [...ctx.affected].filter((a) => ctx.headModel.accounts.has(a) && (!only || only.includes(a))).sort();
  if (values.shards !== undefined) return printMatrix(accounts, values.shards);
  if (accounts.length === 0) {
    info('apply: the change affects no account; nothing to apply');
    return 0;
  }
  info(`apply: ${accounts.length} account(s), ${drafts.length} rollout(s)`);
  return runRollouts({
    dir,
    accounts,
    model: ctx.headModel,
    drafts: drafts.filter((d) => accounts.includes(d.account)),
    commit: (await simpleGit(dir).revparse(['HEAD'])).trim(),
    pullRequest: values.pr ? wholeNumber('pr', values.pr, 0, 1) : undefined,
    terraform: terraformBinary(values.terraform, settings.terraform.binary),
    concurrency: wholeNumber('concurrency', values.concurrency, settings.terraform.concurrency, 1),
    failureTolerance: wholeNumber('failure-tolerance', values['failure-tolerance'], 0),
    plansDir: values.plans && path.resolve(values.plans),
    ledger: !values['no-ledger'],
    staleAfterMinutes: wholeNumber('stale-after', values['stale-after'], 120, 1),
  });
}
