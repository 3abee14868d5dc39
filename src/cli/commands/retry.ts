import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { usageError } from '../../core/errors';
import { latestPerAccount } from '../../apply/rollout-table';
import { buildModel } from '../../model/build-model';
import { materialisedPairs, parseLedger } from '../../model/rollout';
import { loadAndValidate } from '../../validate/load-and-validate';
import { info, parseFlags, refuseOnErrors, wholeNumber } from '../args';
import { terraformBinary } from '../../adapters/terraform/terraform';
import { runRollouts } from '../run-rollouts';
import { RUN_FLAGS } from './apply';

export const RETRY_HELP = `prism retry <policy> [--concurrency N] [--failure-tolerance N] [--terraform BIN] [--no-ledger] [--dir DIR]

Re-runs the most recent rollout of <policy> in every account where it FAILED, and nothing else:
each such account's stack is synthesised from the current main and applied again. The new rows
point at the failed ones (retryOf). For example, after someone detached a policy that blocked a
delete with DeleteConflict.

Exit codes: 0 every retried account succeeded (or none had failed); 1 an account failed again; 2 usage.`;

/** `prism retry`. */
export async function retryCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, RUN_FLAGS, true);
  if (values.help) {
    process.stdout.write(RETRY_HELP + '\n');
    return 0;
  }
  const [policy, ...extra] = positionals;
  if (!policy || extra.length) throw usageError('prism retry takes exactly one policy name');
  const dir = path.resolve(values.dir ?? '.');
  const checked = loadAndValidate(dir);
  if (refuseOnErrors(checked.diagnostics, 'retry', 'nothing was retried')) return 1;
  // the ledger as the remote has it now
  const { LedgerWriter } = await import('../../adapters/git/ledger');
  const ledger = values['no-ledger'] ? undefined : await LedgerWriter.open({ repoDir: dir, log: info });
  const rows = ledger ? ledger.readRows() : parseLedger(checked.ledger).rows;
  await ledger?.close();
  const failed = latestPerAccount(rows, policy).filter((r) => r.status === 'FAILED');
  if (failed.length === 0) {
    info(`retry: no failed rollout of ${policy}; nothing to do`);
    return 0;
  }
  const model = buildModel(checked.documents, { materialised: materialisedPairs(rows), accounts: new Set(failed.map((r) => r.account)) });
  const settings = checked.documents.settings;
  info(`retry: ${policy} in ${failed.length} account(s): ${failed.map((r) => r.account).join(', ')}`);
  return runRollouts({
    dir,
    accounts: failed.map((r) => r.account).filter((a) => model.accounts.has(a)),
    model,
    drafts: failed.map((r) => ({ policy, account: r.account, event: r.event, permissionSets: r.permissionSets ?? [], adoptedAt: r.adoptedAt, retryOf: r.id })),
    commit: (await simpleGit(dir).revparse(['HEAD'])).trim(),
    pullRequest: values.pr ? wholeNumber('pr', values.pr, 0, 1) : undefined,
    terraform: terraformBinary(values.terraform, settings.terraform.binary),
    concurrency: wholeNumber('concurrency', values.concurrency, settings.terraform.concurrency, 1),
    failureTolerance: wholeNumber('failure-tolerance', values['failure-tolerance'], failed.length),
    ledger: !values['no-ledger'],
    staleAfterMinutes: wholeNumber('stale-after', values['stale-after'], 120, 1),
  });
}
