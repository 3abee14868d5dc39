/**
 * The two synth baselines the benchmark measures Prism's synth against, kept here so that only
 * src/synth imports cdktf: one plain cdktf App holding every stack (what a straightforward CDKTF
 * program does), and the floor, the same resources written as Terraform JSON with no cdktf at all.
 * Neither is used by any command.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { accountRoleArn, INLINE_POLICY_NAME, LOGICAL_IDS, POLICY_DESCRIPTION, policyName, RESOURCE_TYPES, stackName, TAGS } from '../core/naming';
import { DeploymentModel } from '../model/desired-state';
import { AccountStack } from './account-stack';

/** Baseline: every account's stack in one plain cdktf App, then `app.synth()`. */
export function synthesizePlainApp(model: DeploymentModel, outDir: string): void {
  const app = new App({ outdir: outDir });
  for (const state of model.accounts.values()) {
    new AccountStack(app, stackName(state.account), state, model.settings, { localStatePath: `../../../terraform-state/${state.account}.tfstate` });
  }
  app.synth();
}

/** Floor: the same resources as Terraform JSON, written directly with JSON.stringify. */
export function writeDirectJson(model: DeploymentModel, outDir: string): void {
  const { settings } = model;
  for (const state of model.accounts.values()) {
    const policies: Record<string, unknown> = {};
    const roles: Record<string, unknown> = {};
    const attachments: Record<string, unknown> = {};
    const inline: Record<string, unknown> = {};
    for (const p of state.policies) {
      policies[LOGICAL_IDS.policy(p.name)] = { name: policyName(p.name), path: '/', description: POLICY_DESCRIPTION, policy: p.document, tags: { [TAGS.managed]: 'true', [TAGS.customerPolicyId]: p.policyId } };
    }
    for (const r of state.roles) {
      const id = LOGICAL_IDS.role(r.permissionSet);
      const role = `\${${RESOURCE_TYPES.role}.${id}`;
      roles[id] = { name: r.roleName, path: settings.roles.path, assume_role_policy: r.trustPolicy, max_session_duration: r.maxSessionDuration, tags: { [TAGS.managed]: 'true' } };
      for (const a of r.awsManagedPolicyArns) attachments[LOGICAL_IDS.awsAttachment(r.permissionSet, a.name)] = { role: `${role}.name}`, policy_arn: a.arn };
      for (const c of r.customerManagedPolicies) attachments[LOGICAL_IDS.cmpAttachment(r.permissionSet, c)] = { role: `${role}.name}`, policy_arn: `\${${RESOURCE_TYPES.policy}.${LOGICAL_IDS.policy(c)}.arn}` };
      if (r.inlinePolicy) inline[LOGICAL_IDS.inlinePolicy(r.permissionSet)] = { name: INLINE_POLICY_NAME, role: `${role}.id}`, policy: r.inlinePolicy };
    }
    const doc = {
      terraform: { backend: { local: { path: `../../../terraform-state/${state.account}.tfstate` } }, required_providers: { aws: { source: 'aws', version: '6.25.0' } } },
      variable: { assume_role_arn: { type: 'string', default: accountRoleArn(settings.deployRole.arnPattern, state.account) } },
      provider: { aws: [{ region: settings.region, allowed_account_ids: [state.account], assume_role: [{ role_arn: '${var.assume_role_arn}', session_name: settings.deployRole.sessionName }] }] },
      resource: { [RESOURCE_TYPES.policy]: policies, [RESOURCE_TYPES.role]: roles, [RESOURCE_TYPES.attachment]: attachments, [RESOURCE_TYPES.inlinePolicy]: inline },
    };
    const dir = path.join(outDir, 'stacks', stackName(state.account));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(doc, null, 2));
  }
}
