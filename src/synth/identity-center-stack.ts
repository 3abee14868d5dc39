import * as fs from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
// cdktf's own classes come from its root (see account-stack.ts); provider classes by deep path
import { App, ITerraformDependable, TerraformIterator, TerraformStack, TerraformVariable } from 'cdktf';
import { DataAwsIdentitystoreGroup } from '@cdktf/provider-aws/lib/data-aws-identitystore-group';
import { DataAwsIdentitystoreUser } from '@cdktf/provider-aws/lib/data-aws-identitystore-user';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SsoadminAccountAssignment } from '@cdktf/provider-aws/lib/ssoadmin-account-assignment';
import { SsoadminCustomerManagedPolicyAttachment } from '@cdktf/provider-aws/lib/ssoadmin-customer-managed-policy-attachment';
import { SsoadminManagedPolicyAttachment } from '@cdktf/provider-aws/lib/ssoadmin-managed-policy-attachment';
import { SsoadminPermissionSet } from '@cdktf/provider-aws/lib/ssoadmin-permission-set';
import { SsoadminPermissionSetInlinePolicy } from '@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy';
import { SsoadminPermissionsBoundaryAttachment } from '@cdktf/provider-aws/lib/ssoadmin-permissions-boundary-attachment';
import { internalError } from '../core/errors';
import { accountRoleArn, IDC_LOGICAL_IDS, IDENTITY_CENTER_STACK, policyName, TAGS } from '../core/naming';
import { Settings } from '../core/settings';
import { IdcPrincipal, IdentityCenterDesiredState } from '../model/identity-center';
import { addBackend } from './backend';
import { terraformLiteral as lit, terraformLiteralMap as litMap } from './terraform-text';

/** Where the identity-center stack keeps its state. */
export interface IdentityCenterStackOptions {
  /** For the local backend: the state file's path relative to the stack's working directory. */
  readonly localStatePath: string;
}

/** The path every Prism-<name> policy has, and so every customer managed policy reference. */
const POLICY_PATH = '/';

/**
 * The identity-center stack, in the management or delegated-administrator account: one IdC
 * permission set per Prism permission set (AWS managed policies, references to the Prism-<name>
 * customer managed policies, inline policy, session duration, permissions boundary), and one account
 * assignment per principal and account. Named principals are looked up in the identity store.
 */
export class IdentityCenterStack extends TerraformStack {
  constructor(scope: Construct, id: string, state: IdentityCenterDesiredState, settings: Settings, options: IdentityCenterStackOptions) {
    super(scope, id);
    const idc = settings.identityCenter;
    if (!idc) throw internalError('the identity-center stack needs identityCenter settings');

    addBackend(this, settings.backend, { localStatePath: options.localStatePath, key: `${IDENTITY_CENTER_STACK}/terraform.tfstate` });
    // a variable default is a literal, not a template: the one string not encoded (as in account stacks)
    const roleArn = new TerraformVariable(this, 'assume_role_arn', {
      type: 'string',
      default: accountRoleArn(idc.deployRole.arnPattern, state.account),
      description: 'Role Terraform assumes in the IAM Identity Center account (default: the deploy role; prism plan passes the plan role).',
    });
    new AwsProvider(this, 'aws', {
      region: lit(state.region),
      allowedAccountIds: [state.account],
      assumeRole: [
        {
          roleArn: roleArn.stringValue,
          sessionName: lit(idc.deployRole.sessionName),
          ...(idc.deployRole.externalId ? { externalId: lit(idc.deployRole.externalId) } : {}),
        },
      ],
    });
    if (settings.terraform.providerVersion) this.addOverride('terraform.required_providers.aws.version', settings.terraform.providerVersion);

    const instanceArn = lit(state.instanceArn);

    // principals named in assignments, looked up once each
    const principalIds = new Map<string, string>();
    const principalId = (p: IdcPrincipal): string => {
      if (p.id !== undefined) return lit(p.id);
      const id = IDC_LOGICAL_IDS.principalLookup(p);
      let found = principalIds.get(id);
      if (!found) {
        const lookup = { identityStoreId: lit(state.identityStoreId), alternateIdentifier: { uniqueAttribute: { attributePath: p.type === 'GROUP' ? 'DisplayName' : 'UserName', attributeValue: lit(p.name!) } } };
        if (p.type === 'GROUP') {
          const g = new DataAwsIdentitystoreGroup(this, id, lookup);
          g.overrideLogicalId(id);
          found = g.groupId;
        } else {
          const u = new DataAwsIdentitystoreUser(this, id, lookup);
          u.overrideLogicalId(id);
          found = u.userId;
        }
        principalIds.set(id, found);
      }
      return found;
    };

    // permission sets and what they hold
    const sets = new Map<string, { arn: string; parts: ITerraformDependable[] }>();
    for (const ps of state.permissionSets) {
      const budget = ps.awsManagedPolicyArns.length + ps.customerManagedPolicies.length;
      if (budget > settings.managedPolicyBudget) {
        // validation rejects this first; IdC would refuse the attachment half-way through an apply
        throw internalError(`permission set ${ps.permissionSet} would get ${budget} managed policies; the budget is ${settings.managedPolicyBudget}`);
      }
      const setId = IDC_LOGICAL_IDS.permissionSet(ps.permissionSet);
      const set = new SsoadminPermissionSet(this, setId, {
        name: lit(ps.name),
        instanceArn,
        sessionDuration: ps.sessionDuration,
        ...(ps.description ? { description: lit(ps.description) } : {}),
        tags: litMap({ ...ps.tags, [TAGS.managed]: 'true', [TAGS.permissionSet]: ps.permissionSet }),
      });
      set.overrideLogicalId(setId);
      const parts: ITerraformDependable[] = [];
      for (const aws of ps.awsManagedPolicyArns) {
        const pid = IDC_LOGICAL_IDS.awsAttachment(ps.permissionSet, aws.name);
        const a = new SsoadminManagedPolicyAttachment(this, pid, { instanceArn, permissionSetArn: set.arn, managedPolicyArn: lit(aws.arn) });
        a.overrideLogicalId(pid);
        parts.push(a);
      }
      for (const cmp of ps.customerManagedPolicies) {
        const pid = IDC_LOGICAL_IDS.cmpAttachment(ps.permissionSet, cmp);
        const a = new SsoadminCustomerManagedPolicyAttachment(this, pid, { instanceArn, permissionSetArn: set.arn, customerManagedPolicyReference: { name: lit(policyName(cmp)), path: POLICY_PATH } });
        a.overrideLogicalId(pid);
        parts.push(a);
      }
      if (ps.inlinePolicy) {
        const pid = IDC_LOGICAL_IDS.inlinePolicy(ps.permissionSet);
        const a = new SsoadminPermissionSetInlinePolicy(this, pid, { instanceArn, permissionSetArn: set.arn, inlinePolicy: lit(ps.inlinePolicy) });
        a.overrideLogicalId(pid);
        parts.push(a);
      }
      if (ps.permissionsBoundaryArn) {
        const pid = IDC_LOGICAL_IDS.boundary(ps.permissionSet);
        const a = new SsoadminPermissionsBoundaryAttachment(this, pid, { instanceArn, permissionSetArn: set.arn, permissionsBoundary: { managedPolicyArn: lit(ps.permissionsBoundaryArn) } });
        a.overrideLogicalId(pid);
        parts.push(a);
      }
      sets.set(ps.permissionSet, { arn: set.arn, parts });
    }

    // account assignments: one resource per permission set, one instance per account and principal
    // (for_each keyed by account and principal, so a key never moves), each after its permission set
    // has all of its policies, so that a new account is provisioned once, with the whole set
    const byPermissionSet = new Map<string, Record<string, { account: string; principal_id: string; principal_type: string }>>();
    for (const a of state.assignments) {
      if (!sets.has(a.permissionSet)) throw internalError(`assignment of unknown permission set ${a.permissionSet}`);
      const instances = byPermissionSet.get(a.permissionSet) ?? {};
      instances[IDC_LOGICAL_IDS.assignmentKey(a.account, a.principal)] = { account: a.account, principal_id: principalId(a.principal), principal_type: a.principal.type };
      byPermissionSet.set(a.permissionSet, instances);
    }
    for (const [permissionSet, instances] of byPermissionSet) {
      const set = sets.get(permissionSet)!;
      const each = TerraformIterator.fromMap(instances);
      const aid = IDC_LOGICAL_IDS.assignments(permissionSet);
      // the construct id differs from the permission set's (same name, another resource type)
      new SsoadminAccountAssignment(this, `assignments_${aid}`, {
        forEach: each,
        instanceArn,
        permissionSetArn: set.arn,
        principalId: each.getString('principal_id'),
        principalType: each.getString('principal_type'),
        targetId: each.getString('account'),
        targetType: 'AWS_ACCOUNT',
        ...(set.parts.length ? { dependsOn: set.parts } : {}),
      }).overrideLogicalId(aid);
    }
  }
}

/**
 * Synthesises the identity-center stack into `<writeTo>/stacks/identity-center/cdk.tf.json` with its
 * own cdktf App, and returns its manifest entry (rewritten as if it had been synthesised in place).
 */
export function synthesizeIdentityCenterStack(state: IdentityCenterDesiredState, o: { writeTo: string; scratch: string; settings: Settings; repoRoot: string; outDir: string }): Record<string, unknown> {
  fs.mkdirSync(o.scratch, { recursive: true });
  const app = new App({ outdir: o.scratch, stackTraces: false });
  const statePath = o.settings.backend.type === 'local' ? path.join(o.repoRoot, o.settings.backend.dir, `${IDENTITY_CENTER_STACK}.tfstate`) : '';
  new IdentityCenterStack(app, IDENTITY_CENTER_STACK, state, o.settings, { localStatePath: path.relative(path.join(o.outDir, 'stacks', IDENTITY_CENTER_STACK), statePath) });
  app.synth();
  const manifest = JSON.parse(fs.readFileSync(path.join(o.scratch, 'manifest.json'), 'utf8')) as { stacks: Record<string, Record<string, unknown>> };
  fs.mkdirSync(path.join(o.writeTo, 'stacks', IDENTITY_CENTER_STACK), { recursive: true });
  fs.copyFileSync(path.join(o.scratch, 'stacks', IDENTITY_CENTER_STACK, 'cdk.tf.json'), path.join(o.writeTo, 'stacks', IDENTITY_CENTER_STACK, 'cdk.tf.json'));
  fs.rmSync(o.scratch, { recursive: true, force: true });
  return manifest.stacks[IDENTITY_CENTER_STACK];
}
