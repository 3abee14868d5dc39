/**
 * The benchmark's floor: the same Terraform JSON resources written directly with JSON.stringify,
 * no cdktf. Not product code; it only shows how fast writing the bytes can be.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { roleArnFor, Settings } from '../core/settings';
import { AccountDesiredState } from '../model/desired-state';

const key = (s: string) => s.replace(/[^A-Za-z0-9-]/g, (c) => '_' + c.charCodeAt(0).toString(16).padStart(2, '0'));

/** Writes one account's stack as plain Terraform JSON. */
export function writeDirect(outDir: string, state: AccountDesiredState, settings: Settings): void {
  const policies: Record<string, unknown> = {};
  const roles: Record<string, unknown> = {};
  const attachments: Record<string, unknown> = {};
  const inline: Record<string, unknown> = {};
  for (const p of state.policies) {
    policies[`cmp_${key(p.name)}`] = { name: `Prism-${p.name}`, path: '/', description: 'Managed by Prism', policy: p.document, tags: { 'Prism:Managed': 'true', 'Prism:CustomerPolicyID': p.policyId } };
  }
  for (const r of state.roles) {
    const id = `role_${key(r.permissionSet)}`;
    roles[id] = { name: r.roleName, path: settings.roles.path, assume_role_policy: r.trustPolicy, max_session_duration: r.maxSessionDuration, tags: { 'Prism:Managed': 'true' } };
    for (const a of r.awsManagedPolicyArns) attachments[`${id}__aws_${key(a.name)}`] = { role: `\${aws_iam_role.${id}.name}`, policy_arn: a.arn };
    for (const c of r.customerManagedPolicies) attachments[`${id}__cmp_${key(c)}`] = { role: `\${aws_iam_role.${id}.name}`, policy_arn: `\${aws_iam_policy.cmp_${key(c)}.arn}` };
    if (r.inlinePolicy) inline[`${id}__inline`] = { name: 'PrismInline', role: `\${aws_iam_role.${id}.id}`, policy: r.inlinePolicy };
  }
  const doc = {
    terraform: { backend: { local: { path: `../../../terraform-state/${state.account}.tfstate` } }, required_providers: { aws: { source: 'aws', version: '6.25.0' } } },
    variable: { assume_role_arn: { type: 'string', default: roleArnFor(settings.deployRole, state.account) } },
    provider: { aws: [{ region: settings.region, allowed_account_ids: [state.account], assume_role: [{ role_arn: '${var.assume_role_arn}', session_name: settings.deployRole.sessionName }] }] },
    resource: { aws_iam_policy: policies, aws_iam_role: roles, aws_iam_role_policy_attachment: attachments, aws_iam_role_policy: inline },
  };
  const dir = path.join(outDir, 'stacks', `account-${state.account}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(doc, null, 2));
}
