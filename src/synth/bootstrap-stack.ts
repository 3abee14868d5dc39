import { Construct } from 'constructs';
import { App, TerraformStack } from 'cdktf';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import * as path from 'node:path';
import { TAGS } from '../core/naming';
import { Settings } from '../core/settings';
import { BootstrapDocuments, HUB_DEPLOY_ROLE, HUB_PLAN_ROLE, OIDC_HOST } from '../model/bootstrap';
import { addBackend } from './backend';
import { terraformLiteral as lit } from './terraform-text';

/** How the bootstrap reaches each account: an admin role there (for example OrganizationAccountAccessRole). */
export interface BootstrapStackOptions {
  readonly account: string;
  readonly adminRole: string;
  /** For the local backend: the state file's path relative to the stack's folder. */
  readonly statePath: string;
}

/** The roles the pipeline assumes in one account (and, in the hub account, the GitHub OIDC provider and hub roles). */
export class BootstrapStack extends TerraformStack {
  constructor(scope: Construct, id: string, docs: BootstrapDocuments, settings: Settings, o: BootstrapStackOptions) {
    super(scope, id);
    addBackend(this, settings.backend, { localStatePath: o.statePath, key: `bootstrap/${o.account}/terraform.tfstate` });
    new AwsProvider(this, 'aws', {
      region: lit(settings.region),
      allowedAccountIds: [o.account],
      assumeRole: [{ roleArn: lit(`arn:aws:iam::${o.account}:role/${o.adminRole}`), sessionName: 'prism-bootstrap' }],
    });
    if (settings.terraform.providerVersion) this.addOverride('terraform.required_providers.aws.version', settings.terraform.providerVersion);
    const role = (id: string, name: string, trust: object, policy: object, description: string) => {
      const r = new IamRole(this, id, { name: lit(name), path: '/', description: lit(description), assumeRolePolicy: lit(JSON.stringify(trust)), maxSessionDuration: 3600, tags: { [TAGS.bootstrap]: 'true' } });
      r.overrideLogicalId(id);
      new IamRolePolicy(this, `${id}_policy`, { name: 'Prism', role: r.id, policy: lit(JSON.stringify(policy)) }).overrideLogicalId(`${id}_policy`);
      return r;
    };
    const deploy = role('deploy', docs.deployRoleName, docs.deployTrust, docs.deployPolicy, 'Prism deploy role: manages Prism-* policies and Prism roles only');
    const plan = role('plan', docs.planRoleName, docs.planTrust, docs.planPolicy, 'Prism plan role: read-only');
    // identity-center mode and organizational units: more least-privilege policies on the same roles
    const extra = (id: string, on: IamRole, name: string, policy: object) => new IamRolePolicy(this, id, { name, role: on.id, policy: lit(JSON.stringify(policy)) }).overrideLogicalId(id);
    if (docs.identityCenter) {
      extra('deploy_identity_center', deploy, 'PrismIdentityCenter', docs.identityCenter.deployPolicy);
      extra('plan_identity_center', plan, 'PrismIdentityCenter', docs.identityCenter.planPolicy);
    }
    if (docs.organizationsPolicy) extra('plan_organizations', plan, 'PrismOrganizations', docs.organizationsPolicy);
    if (docs.hub) {
      new IamOpenidConnectProvider(this, 'github_oidc', { url: `https://${OIDC_HOST}`, clientIdList: ['sts.amazonaws.com'] }).overrideLogicalId('github_oidc');
      role('hub_deploy', HUB_DEPLOY_ROLE, docs.hub.deployTrust, docs.hub.deployPolicy, 'Prism CI (main branch only): assumes PrismDeploy in each account');
      role('hub_plan', HUB_PLAN_ROLE, docs.hub.planTrust, docs.hub.planPolicy, 'Prism CI (pull requests): assumes PrismPlan in each account');
    }
  }
}

/**
 * Synthesises one bootstrap stack per account into `writeTo` (an empty folder the caller swaps into
 * place at `outDir`). With the local backend, states go next to the account stacks' states
 * (`<backend.dir>/bootstrap-<account>.tfstate`); with S3, under `<keyPrefix>/bootstrap/<account>/`.
 */
export function synthesizeBootstrap(o: { writeTo: string; outDir: string; stacks: { account: string; docs: BootstrapDocuments }[]; settings: Settings; adminRole: string; repoRoot: string }): void {
  const { settings } = o;
  const app = new App({ outdir: o.writeTo, stackTraces: false });
  const stateDir = path.join(o.repoRoot, settings.backend.type === 'local' ? settings.backend.dir : 'terraform-state');
  for (const s of o.stacks) {
    const name = `bootstrap-${s.account}`;
    const statePath = path.relative(path.join(o.outDir, 'stacks', name), path.join(stateDir, `bootstrap-${s.account}.tfstate`));
    new BootstrapStack(app, name, s.docs, settings, { account: s.account, adminRole: o.adminRole, statePath });
  }
  app.synth();
}
