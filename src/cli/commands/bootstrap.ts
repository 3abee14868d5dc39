import * as path from 'node:path';
import { usageError } from '../../core/errors';
import { bootstrapDocuments } from '../../model/bootstrap';
import { loadAndValidate } from '../../validate/load-and-validate';
import { info, parseAccountList, parseFlags, refuseOnErrors } from '../args';

export const BOOTSTRAP_HELP = `prism bootstrap --github-repo OWNER/NAME --hub-account ID [--accounts ID,ID] [--admin-role NAME] [--branch main] [--out DIR]

Writes a CDKTF stack per account (default: every assigned account, plus the hub) that creates the
roles the pipeline assumes: PrismDeploy (least privilege: Prism-* policies and Prism roles only) and
PrismPlan (read-only), trusting only the hub account's PrismDeployHub / PrismPlanHub roles; and, in
the hub account, the GitHub OIDC provider and those two hub roles, trusting only this repository
(the deploy hub role: only the main branch). Apply each stack once with admin credentials:

  cd <out>/stacks/bootstrap-<account> && terraform init && terraform apply

  --admin-role NAME  a role the bootstrap assumes in each account (default OrganizationAccountAccessRole)
  --out DIR          output folder (default: <dir>/cdktf.out.bootstrap)`;

/** `prism bootstrap`. */
export async function bootstrapCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    dir: { type: 'string' },
    'github-repo': { type: 'string' },
    'hub-account': { type: 'string' },
    accounts: { type: 'string' },
    'admin-role': { type: 'string' },
    branch: { type: 'string' },
    out: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(BOOTSTRAP_HELP + '\n');
    return 0;
  }
  const repo = values['github-repo'];
  if (!repo || !/^[\w.-]+\/[\w.-]+$/.test(repo)) throw usageError(`--github-repo is ${JSON.stringify(repo ?? '')}; expected owner/name`);
  const hub = parseAccountList(values['hub-account'])?.[0];
  if (!hub) throw usageError('--hub-account ID is required: the account where CI assumes its roles through GitHub OIDC');
  const dir = path.resolve(values.dir ?? '.');
  const checked = loadAndValidate(dir);
  if (refuseOnErrors(checked.diagnostics, 'bootstrap', 'nothing was written')) return 1;
  const assigned = new Set(checked.documents.assignments.flatMap((a) => a.accounts));
  const accounts = [...new Set([...(parseAccountList(values.accounts) ?? assigned), hub])].sort();
  const settings = checked.documents.settings;
  const stacks = accounts.map((account) => ({ account, docs: bootstrapDocuments(settings, account, { githubRepo: repo, hubAccount: hub, branch: values.branch }) }));
  const out = path.resolve(values.out ?? path.join(dir, 'cdktf.out.bootstrap'));
  const { synthesizeBootstrap } = await import('../../synth/bootstrap-stack');
  synthesizeBootstrap(out, stacks, settings, values['admin-role'] ?? 'OrganizationAccountAccessRole', dir);
  info(`bootstrap: ${accounts.length} stack(s) -> ${path.relative(process.cwd(), out) || out} (hub ${hub}, repository ${repo})`);
  return 0;
}
