import * as path from 'node:path';
import { synth } from '../../pipeline/synth';
import { accountList, repoDir } from '../args';
import { defineCommand } from '../command';
import { ACCOUNTS, DIR, DISCOVERY, QUIET } from '../flags';
import { printRefusal, shown } from '../output';
import { TerminalReporter } from '../terminal';

/** `prism synth`. */
export const command = defineCommand({
  name: 'synth',
  summary: 'write one Terraform (CDKTF) stack per AWS account to cdktf.out',
  usage: ['synth [--dir DIR] [--out DIR] [--accounts ID,ID] [--discovery FILE] [--quiet]'],
  description: `Validates the repository, then writes one Terraform stack per AWS account:
<out>/stacks/account-<id>/cdk.tf.json plus <out>/manifest.json, as cdktf synth does. Refuses to
synthesise a repository with errors. The output folder is replaced atomically, and only when it is
absent, empty or one Prism made.`,
  flags: {
    quiet: QUIET,
    dir: DIR,
    out: { type: 'string', value: 'DIR', description: 'output folder (default: $CDKTF_OUTDIR, else <dir>/cdktf.out)' },
    accounts: { ...ACCOUNTS, description: 'only these accounts (comma-separated); the output holds only their stacks' },
    discovery: { ...DISCOVERY, description: 'discovery results, to import existing policies (default: <dir>/.prism/discovery.json when present)' },
  },
  examples: [
    { command: 'synth', description: 'every account into ./cdktf.out' },
    { command: 'synth --accounts 123456789012 --out /tmp/one', description: 'one account, somewhere else' },
  ],
  exitCodes: ['0 written', '1 the repository has errors (nothing written)', '2 usage error'],
  async run({ flags }, io) {
    const dir = repoDir(flags.dir);
    const reporter = new TerminalReporter('synth', io, { quiet: flags.quiet });
    const outcome = await synth({
      dir,
      outDir: flags.out ?? process.env.CDKTF_OUTDIR ?? path.join(dir, 'cdktf.out'),
      accounts: accountList('accounts', flags.accounts),
      discoveryFile: flags.discovery,
      reporter,
    });
    if (outcome.kind === 'refused') return printRefusal(io, 'synth', outcome);
    const r = outcome.result;
    reporter.info(`synthesised ${r.stacks} account stack(s): ${r.policies} policies, ${r.roles} roles, ${r.resources} resources -> ${shown(r.outDir)}`);
    return 0;
  },
});
