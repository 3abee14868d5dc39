import { usageError } from '../../core/errors';
import { bootstrap } from '../../pipeline/bootstrap';
import { accountList, repoDir } from '../args';
import { defineCommand } from '../command';
import { ACCOUNTS, DIR } from '../flags';
import { printRefusal, shown } from '../output';

/** `prism bootstrap`. */
export const command = defineCommand({
  name: 'bootstrap',
  summary: 'the roles the pipeline assumes in each account, as CDKTF stacks (least privilege)',
  usage: ['bootstrap --github-repo OWNER/NAME --hub-account ID [--accounts ID,ID] [--admin-role NAME] [--branch main] [--out DIR]'],
  description: `Writes a CDKTF stack per account (default: every assigned account, plus the hub) that creates the
roles the pipeline assumes: PrismDeploy (least privilege: Prism-* policies and Prism roles only) and
PrismPlan (read-only), trusting only the hub account's PrismDeployHub / PrismPlanHub roles; and, in
the hub account, the GitHub OIDC provider and those two hub roles, trusting only this repository
(the deploy hub role: only the main branch). Apply each stack once with admin credentials:

  cd <out>/stacks/bootstrap-<account> && terraform init && terraform apply

The stacks keep their state where settings.backend says (local: next to the account states).`,
  flags: {
    dir: DIR,
    'github-repo': { type: 'string', value: 'OWNER/NAME', description: 'the GitHub repository whose workflows may assume the hub roles (required)' },
    'hub-account': { type: 'string', value: 'ID', description: 'the account where CI signs in through GitHub OIDC (required)' },
    accounts: { ...ACCOUNTS, description: 'only these accounts (default: every assigned account), plus the hub' },
    'admin-role': { type: 'string', value: 'NAME', description: 'a role the bootstrap assumes in each account (default OrganizationAccountAccessRole)' },
    branch: { type: 'string', value: 'NAME', description: 'the branch whose workflows may deploy (default main)' },
    out: { type: 'string', value: 'DIR', description: 'output folder (default: <dir>/cdktf.out.bootstrap)' },
  },
  examples: [{ command: 'bootstrap --github-repo acme/iam-policies --hub-account 111122223333', description: 'stacks for every assigned account and the hub' }],
  exitCodes: ['0 written', '1 the repository has errors (nothing written)', '2 usage error'],
  async run({ flags }, io) {
    const repo = flags['github-repo'];
    if (!repo || !/^[\w.-]+\/[\w.-]+$/.test(repo)) throw usageError(`--github-repo is ${JSON.stringify(repo ?? '')}; expected OWNER/NAME`);
    const hub = flags['hub-account'];
    if (!hub) throw usageError('--hub-account ID is required: the account where CI assumes its roles through GitHub OIDC');
    if (!/^\d{12}$/.test(hub)) throw usageError(`--hub-account is ${JSON.stringify(hub)}; expected one 12-digit account ID`);
    const outcome = await bootstrap({ dir: repoDir(flags.dir), githubRepo: repo, hubAccount: hub, accounts: accountList('accounts', flags.accounts), adminRole: flags['admin-role'], branch: flags.branch, out: flags.out });
    if (outcome.kind === 'refused') return printRefusal(io, 'bootstrap', outcome);
    io.stderr(`bootstrap: ${outcome.accounts.length} stack(s) -> ${shown(outcome.out)} (hub ${hub}, repository ${repo})\n`);
    return 0;
  },
});
