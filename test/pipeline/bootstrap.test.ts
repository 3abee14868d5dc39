import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveSettings } from '../../src/core/settings';
import { bootstrapDocuments } from '../../src/model/bootstrap';
import { validateFiles } from '../helpers/repo';
import { runPrism } from '../helpers/cli';
import { writeRepo } from '../helpers/repo';
import { org } from '../helpers/synth';

const settings = resolveSettings(undefined);
const options = { githubRepo: 'acme/iam-policies', hubAccount: '999999999999' };

describe('bootstrap', () => {
  test('its own policies pass the validator: identity policies as CMP and inline, trust policies as trust', () => {
    const hub = bootstrapDocuments(settings, '999999999999', options);
    const target = bootstrapDocuments(settings, '111111111111', options);
    const identity = { deploy: target.deployPolicy, plan: target.planPolicy, hubDeploy: hub.hub!.deployPolicy, hubPlan: hub.hub!.planPolicy };
    const files: Record<string, string> = {};
    for (const [name, doc] of Object.entries(identity)) files[`policies/Bootstrap${name}.json`] = JSON.stringify(doc, null, 2);
    // trust policies are checked through a permission set's trustPolicy (trust mode)
    const trusts = { deploy: target.deployTrust, plan: target.planTrust, hubDeploy: hub.hub!.deployTrust, hubPlan: hub.hub!.planTrust };
    for (const [name, doc] of Object.entries(trusts)) files[`permission-sets/Trust${name}.yaml`] = `trustPolicy: ${JSON.stringify(doc)}\n`;
    const errors = validateFiles(files).diagnostics.filter((d) => d.severity !== 'note');
    expect(errors).toEqual([]);
  });

  test('the deploy role is least privilege: Prism-* policies, Prism roles, attachments limited by iam:PolicyARN', () => {
    const d = bootstrapDocuments(settings, '111111111111', options).deployPolicy as { Statement: { Action: string[]; Resource: string; Condition?: object }[] };
    const resources = d.Statement.map((s) => s.Resource);
    expect(resources).toEqual(['arn:aws:iam::111111111111:policy/Prism-*', 'arn:aws:iam::111111111111:role/prism/*', 'arn:aws:iam::111111111111:role/prism/*', '*']);
    // the one statement on every resource only lists policy names (discovery finds a Prism-<name> at another path)
    expect(d.Statement[3]).toEqual({ Sid: 'ListPolicyNames', Effect: 'Allow', Action: 'iam:ListPolicies', Resource: '*' });
    expect(d.Statement[2].Action).toEqual(['iam:AttachRolePolicy', 'iam:DetachRolePolicy']);
    expect(d.Statement[2].Condition).toEqual({ ArnLike: { 'iam:PolicyARN': ['arn:aws:iam::111111111111:policy/Prism-*', 'arn:aws:iam::aws:policy/*'] } });
    // nothing else touches every resource, grants every IAM action, or passes roles
    expect(JSON.stringify({ ...d, Statement: d.Statement.filter((x) => (x as { Sid?: string }).Sid !== 'ListPolicyNames') })).not.toMatch(/"\*"|iam:\*|PassRole/);
    // the plan role only reads: every action is a Get or a List
    const plan = bootstrapDocuments(settings, '111111111111', options).planPolicy as { Statement: { Action: string[] }[] };
    for (const a of plan.Statement.flatMap((s) => s.Action)) expect(a).toMatch(/^iam:(Get|List)[A-Za-z]+$/);
  });

  test('both roles trust the repository through OIDC; the write role only main', () => {
    const hub = bootstrapDocuments(settings, '999999999999', options).hub!;
    const sub = (doc: object) => (doc as { Statement: { Condition: { StringEquals: Record<string, string[]> } }[] }).Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub'];
    expect(sub(hub.deployTrust)).toEqual(['repo:acme/iam-policies:ref:refs/heads/main']);
    expect(sub(hub.planTrust)).toEqual(['repo:acme/iam-policies:pull_request', 'repo:acme/iam-policies:ref:refs/heads/main']);
    const target = bootstrapDocuments(settings, '111111111111', options);
    expect(JSON.stringify(target.deployTrust)).toContain('arn:aws:iam::999999999999:role/PrismDeployHub');
    expect(JSON.stringify(target.planTrust)).toContain('arn:aws:iam::999999999999:role/PrismPlanHub');
    expect(target.hub).toBeUndefined();
  });

  test('prism bootstrap synthesises a stack per account, with the OIDC provider only in the hub', () => {
    const dir = writeRepo(org());
    const r = runPrism(['bootstrap', '--dir', dir, '--github-repo', 'acme/iam-policies', '--hub-account', '999999999999']);
    expect(r.code).toBe(0);
    const stacks = fs.readdirSync(path.join(dir, 'cdktf.out.bootstrap', 'stacks')).sort();
    expect(stacks).toEqual(['bootstrap-111111111111', 'bootstrap-222222222222', 'bootstrap-333333333333', 'bootstrap-999999999999']);
    const stack = (a: string) => JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.out.bootstrap', 'stacks', `bootstrap-${a}`, 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(stack('999999999999').resource).sort()).toEqual(['aws_iam_openid_connect_provider', 'aws_iam_role', 'aws_iam_role_policy']);
    expect(Object.keys(stack('111111111111').resource.aws_iam_role).sort()).toEqual(['deploy', 'plan']);
    expect(stack('111111111111').provider.aws[0].allowed_account_ids).toEqual(['111111111111']);
    expect(runPrism(['bootstrap', '--dir', dir, '--github-repo', 'nope']).code).toBe(2);
  });
});
