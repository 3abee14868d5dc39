import { usageError } from '../../core/errors';
import { bootstrap } from '../../pipeline/bootstrap';
import { accountList, repoDir } from '../args';
import { defineCommand } from '../command';
import { ACCOUNTS, DIR, QUIET } from '../flags';
import { printRefusal, shown } from '../output';

/** `prism bootstrap`. */
export const command = defineCommand({
  name: 'bootstrap',
  summary: 'the roles the pipeline assumes in each account, as CDKTF stacks (least privilege)',
  usage: ['bootstrap --github-repo OWNER/NAME --hub-account ID [--dir DIR] [--accounts ID,ID] [--admin-role NAME] [--branch main] [--out DIR] [--quiet]'],
  description: `Writes a CDKTF stack per account (default: every assigned account, plus the hub) that creates the
roles the pipeline assumes: PrismDeploy (least privilege: Prism-* policies and Prism roles only) and
PrismPlan (read-only), trusting only the hub account's PrismDeployHub / PrismPlanHub roles; and, in
the hub account, the GitHub OIDC provider and those two hub roles, trusting only this repository
(the deploy hub role: only the main branch). Then prints what to do next: the command that applies
the stacks, and the repository variables to set, with the hub role ARNs.

The stacks keep their state where settings.backend says (local: next to the account states).`,
  flags: {
    quiet: QUIET,
    dir: DIR,
    'github-repo': { type: 'string', value: 'OWNER/NAME', required: true, description: 'the GitHub repository whose workflows may assume the hub roles' },
    'hub-account': { type: 'string', value: 'ID', required: true, description: 'the 12-digit account where CI signs in through GitHub OIDC' },
    accounts: { ...ACCOUNTS, description: 'only these accounts (default: every assigned account), plus the hub' },
    'admin-role': { type: 'string', value: 'NAME', description: 'a role the bootstrap assumes in each account (default OrganizationAccountAccessRole)' },
    branch: { type: 'string', value: 'NAME', description: 'the branch whose workflows may deploy (default main)' },
    out: { type: 'string', value: 'DIR', description: 'output folder (default: <dir>/cdktf.out.bootstrap)' },
  },
  examples: [
    { command: 'bootstrap --github-repo acme/iam-policies --hub-account 111122223333', description: 'stacks for every assigned account and the hub, then the next steps' },
    { command: 'bootstrap --github-repo acme/iam-policies --hub-account 111122223333 --accounts 123456789012', description: 'one more account, after adding it to an assignment' },
  ],
  exitCodes: ['0 written', '1 the repository has errors (nothing written)', '2 usage error'],
  async run({ flags }, io) {
    const repo = flags['github-repo']!;
    if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw usageError(`--github-repo is ${JSON.stringify(repo)}; expected OWNER/NAME, e.g. acme/iam-policies`);
    const hub = flags['hub-account']!;
    if (!/^\d{12}$/.test(hub)) throw usageError(`--hub-account is ${JSON.stringify(hub)}; expected one 12-digit account ID`);
    const outcome = await bootstrap({ dir: repoDir(flags.dir), githubRepo: repo, hubAccount: hub, accounts: accountList('accounts', flags.accounts), adminRole: flags['admin-role'], branch: flags.branch, out: flags.out });
    if (outcome.kind === 'refused') return printRefusal(io, 'bootstrap', outcome);
    const out = shown(outcome.out);
    if (!flags.quiet) io.stderr(`bootstrap: ${outcome.accounts.length} stack(s) -> ${out} (hub ${hub}, repository ${repo})\n`);
    const required = outcome.variables.filter((v) => v.required);
    const optional = outcome.variables.filter((v) => !v.required);
    io.stdout(
      [
        `Hub roles in account ${hub}:`,
        `  plan (pull requests, drift):  ${outcome.hubRoles.plan}`,
        `  deploy (main only):           ${outcome.hubRoles.deploy}`,
        '',
        'Next:',
        '',
        '1. Apply each stack once, with admin credentials that can assume the admin role in every account:',
        '',
        `   for d in ${out}/stacks/*; do (cd "$d" && terraform init && terraform apply); done`,
        '',
        '2. Set the repository variables (Settings > Secrets and variables > Actions > Variables), or with the GitHub CLI:',
        '',
        ...required.map((v) => `   gh variable set ${v.name} --repo ${repo} --body '${v.value}'`),
        '',
        `   Optional: ${optional.map((v) => `${v.name} (${v.meaning}; your settings say ${v.value})`).join('; ')}; PRISM_SHARDS and PRISM_FAILURE_TOLERANCE (README).`,
        '',
        '3. Settings > Actions > General > Workflow permissions: tick "Allow GitHub Actions to create and approve pull requests"',
        '   (the weekly pin upgrade opens one).',
        '',
        '4. Protect main: require a pull request with an approval and the status check "prism preview / preview".',
        '',
      ].join('\n'),
    );
    return 0;
  },
});
