import * as path from 'node:path';
import { loadDiscoveryResults } from '../../load/read-discovery';
import { buildModel } from '../../model/build-model';
import { materialisedPairs, parseLedger } from '../../model/rollout';
import { loadAndValidate } from '../../validate/load-and-validate';
import { info, parseAccountList, parseFlags, refuseOnErrors } from '../args';
import { Progress } from '../progress';

export const SYNTH_HELP = `prism synth [--dir DIR] [--out DIR] [--accounts ID,ID] [--discovery FILE] [--quiet]

Validates the repository, then writes one Terraform stack per AWS account:
<out>/stacks/account-<id>/cdk.tf.json plus <out>/manifest.json, as cdktf synth does.
Refuses to synthesise a repository with errors. The output folder is replaced atomically.

  --dir DIR          repository root (default: current directory)
  --out DIR          output folder (default: $CDKTF_OUTDIR, else <dir>/cdktf.out)
  --accounts IDS     only these accounts (comma-separated); the output holds only their stacks
  --discovery FILE   discovery results to import existing policies (default: <dir>/.prism/discovery.json if present)
  --quiet            no progress or summary on stderr`;


/** `prism synth`. */
export async function synthCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    dir: { type: 'string' },
    out: { type: 'string' },
    accounts: { type: 'string' },
    discovery: { type: 'string' },
    quiet: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(SYNTH_HELP + '\n');
    return 0;
  }
  const dir = path.resolve(values.dir ?? '.');
  const outDir = path.resolve(values.out ?? process.env.CDKTF_OUTDIR ?? path.join(dir, 'cdktf.out'));
  const accounts = parseAccountList(values.accounts);
  const quiet = Boolean(values.quiet);

  // validate first: nothing is written for a repository with errors
  const checked = loadAndValidate(dir);
  if (refuseOnErrors(checked.diagnostics, 'synth', 'nothing was written')) return 1;

  const discovery = loadDiscoveryResults(dir, values.discovery);

  const ledger = parseLedger(checked.ledger);
  for (const p of ledger.problems) info(`prism synth: warning: skipped ledger line ${p}`);
  const model = buildModel(checked.documents, {
    materialised: materialisedPairs(ledger.rows),
    discovery,
    accounts: accounts ? new Set(accounts) : undefined,
  });
  for (const a of accounts ?? []) if (!model.accounts.has(a)) info(`prism synth: warning: account ${a} has nothing Prism manages; no stack written`);

  const { synthesizeStacks } = await import('../../synth/synthesize');
  const progress = new Progress('synth', quiet);
  const result = await synthesizeStacks(model, { outDir, repoRoot: dir, onProgress: (d, t) => progress.update(d, t, 'accounts') });
  if (!quiet) {
    info(
      `synthesised ${result.stacks} account stack(s): ${result.policies} policies, ${result.roles} roles, ${result.resources} resources -> ${path.relative(process.cwd(), result.outDir) || '.'}`,
    );
  }
  return 0;
}
