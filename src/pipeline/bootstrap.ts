/** The bootstrap use case: the roles the pipeline assumes in each account, as CDKTF stacks. */
import * as path from 'node:path';
import { replaceOutputFolder } from '../artifacts/atomic-file';
import { bootstrapDocuments, hubRoleArns } from '../model/bootstrap';
import { loadRepository } from './repository';
import { Refused, refuseOnErrors } from './reporter';
import { protectedFolders } from './synth';

/** Inputs of `bootstrap`. */
export interface BootstrapInput {
  readonly dir: string;
  /** owner/name of the GitHub repository whose OIDC subjects the hub roles trust. */
  readonly githubRepo: string;
  /** The account where CI signs in through GitHub OIDC. */
  readonly hubAccount: string;
  /** @default every assigned account, plus the hub */
  readonly accounts?: readonly string[];
  /** @default 'OrganizationAccountAccessRole' */
  readonly adminRole?: string;
  /** @default 'main' */
  readonly branch?: string;
  /** @default <dir>/cdktf.out.bootstrap */
  readonly out?: string;
}

/** A repository variable the workflows read, and the value to give it. */
export interface RepositoryVariable {
  readonly name: string;
  readonly value: string;
  readonly required: boolean;
  readonly meaning: string;
}

/** What `bootstrap` wrote, and what to set next. */
export interface BootstrapOutcome {
  readonly kind: 'written';
  readonly out: string;
  readonly accounts: readonly string[];
  readonly hubRoles: { readonly plan: string; readonly deploy: string };
  /** The repository variables the workflows need, with their values. */
  readonly variables: readonly RepositoryVariable[];
}

/** Writes one bootstrap stack per account into a Prism output folder (never over a user folder). */
export async function bootstrap(input: BootstrapInput): Promise<Refused | BootstrapOutcome> {
  const checked = loadRepository(input.dir);
  const refused = refuseOnErrors(checked.diagnostics, 'nothing was written');
  if (refused) return refused;
  const assigned = new Set(checked.documents.assignments.flatMap((a) => a.accounts));
  const settings = checked.documents.settings;
  // identity-center mode: the IAM Identity Center account; organizational units: the account Organizations is read from
  const special = [settings.mode === 'identity-center' ? settings.identityCenter?.account : undefined, settings.organizations.account].filter((a): a is string => Boolean(a));
  const accounts = [...new Set([...(input.accounts ?? [...assigned, ...special]), input.hubAccount])].sort();
  const stacks = accounts.map((account) => ({ account, docs: bootstrapDocuments(settings, account, { githubRepo: input.githubRepo, hubAccount: input.hubAccount, branch: input.branch }) }));
  const out = path.resolve(input.out ?? path.join(input.dir, 'cdktf.out.bootstrap'));
  const { synthesizeBootstrap } = await import('../synth/bootstrap-stack');
  await replaceOutputFolder(out, { flag: '--out', kind: 'bootstrap', protectedDirs: protectedFolders(input.dir) }, (tmp) =>
    synthesizeBootstrap({ writeTo: tmp, outDir: out, stacks, settings, adminRole: input.adminRole ?? 'OrganizationAccountAccessRole', repoRoot: input.dir }),
  );
  const hubRoles = hubRoleArns(input.hubAccount);
  const variables: RepositoryVariable[] = [
    { name: 'PRISM_PLAN_HUB_ROLE_ARN', value: hubRoles.plan, required: true, meaning: 'the read-only role pull requests and the drift check sign in as' },
    { name: 'PRISM_DEPLOY_HUB_ROLE_ARN', value: hubRoles.deploy, required: true, meaning: 'the role the apply and retry workflows sign in as (main only)' },
    { name: 'AWS_REGION', value: settings.region, required: false, meaning: 'where the workflows sign in to the hub account (default us-east-1)' },
  ];
  return { kind: 'written', out, accounts, hubRoles, variables };
}
