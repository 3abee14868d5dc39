/**
 * No user text is ever interpreted by Terraform. The encoder is checked against the real terraform
 * binary on a hostile corpus, and every string of a synthesised stack is scanned as Terraform scans
 * templates: the only interpolations left are the references Prism itself writes.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { terraformLiteral, terraformLiteralMap } from '../../src/synth/terraform-text';
import { describeWithTerraform } from '../e2e/harness';
import { org, synthFiles } from '../helpers/synth';

/** Text that Terraform would interpolate, evaluate or choke on, and text that merely looks like it. */
const HOSTILE = [
  '${aws:username}',
  'arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*',
  '${path.cwd}',
  '${upper("x")}',
  '${file("/etc/passwd")}',
  '%{ if true }yes%{ endif }',
  '%{for x in ["a"]}${x}%{endfor}',
  '$${already escaped}',
  '$$${three}',
  '%%{x}',
  '%%%{y}',
  '$',
  '%',
  '${',
  '%{',
  'a$b%c{d}',
  'trailing $',
  'trailing %',
  '$\\{not a template}',
  '{account}',
  'ünïcödé ${x} ✓',
  'line\nbreak ${y}\r\n%{z}',
];

/** The inverse of terraformLiteral, as Terraform's template scanner reads a string with no interpolation left. */
function decode(s: string): string {
  return s.replace(/([$%])\1\{/g, (_, sigil: string) => `${sigil}{`);
}

/** Interpolations and directives Terraform would evaluate in `s`, scanning left to right as it does. */
function templateSequences(s: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < s.length; i++) {
    if ((s[i] === '$' || s[i] === '%') && s[i + 1] === s[i] && s[i + 2] === '{') {
      i += 2; // an escape: a literal ${ or %{
      continue;
    }
    if ((s[i] === '$' || s[i] === '%') && s[i + 1] === '{') {
      const end = s.indexOf('}', i);
      found.push(s.slice(i, end < 0 ? undefined : end + 1));
    }
  }
  return found;
}

describe('terraformLiteral', () => {
  test.each(HOSTILE)('encodes %j so that it decodes to itself and leaves nothing to evaluate', (text) => {
    const encoded = terraformLiteral(text);
    expect(decode(encoded)).toBe(text);
    expect(templateSequences(encoded)).toEqual([]);
  });

  test('encodes keys and values of a tag map', () => {
    expect(terraformLiteralMap({ '${k}': '%{v}', plain: 'text' })).toEqual({ '$${k}': '%%{v}', plain: 'text' });
  });
});

describeWithTerraform('terraformLiteral against the real terraform binary', (terraform) => {
  test('terraform yields every encoded string exactly; variable defaults and backends are literal, so they are never encoded', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-tf-text-'));
    const outputs: Record<string, { value: unknown }> = {};
    HOSTILE.forEach((text, i) => (outputs[`s${i}`] = { value: terraformLiteral(text) }));
    outputs.map = { value: terraformLiteralMap({ '${key}': '%{value}' }) };
    outputs.variable = { value: '${var.v}' };
    const config = { variable: { v: { type: 'string', default: '$${not a template}' } }, output: outputs, terraform: { backend: { local: { path: 'state-$${x}.tfstate' } } } };
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config));
    const run = (...args: string[]) => execFileSync(terraform, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: path.join(dir, 'none.rc') } });
    run('init', '-input=false', '-no-color');
    run('apply', '-input=false', '-auto-approve', '-no-color');
    const out = JSON.parse(run('output', '-json')) as Record<string, { value: unknown }>;
    HOSTILE.forEach((text, i) => expect(out[`s${i}`].value).toBe(text));
    expect(out.map.value).toEqual({ '${key}': '%{value}' });
    // a variable default is not a template: an encoded default would arrive with two dollar signs
    expect(out.variable.value).toBe('$${not a template}');
    // nor is a backend setting: the state file keeps the escape in its name
    expect(fs.existsSync(path.join(dir, 'state-$${x}.tfstate'))).toBe(true);
  }, 60_000);
});

describe('a synthesised stack leaves Terraform nothing to interpret', () => {
  test('every user string is encoded; the only interpolations are the references Prism writes', async () => {
    const files = org();
    files['policies/S3Read.json'] = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${aws:username}/*', Condition: { StringLike: { 'aws:UserAgent': '%{x}*' } } }] };
    files['permission-sets/Dev.yaml'] = [
      'description: "${path.cwd} %{ if true }x%{ endif }"',
      'customerManagedPolicies: [S3Read, LogsRead]',
      'tags:',
      '  team: "%{t}"',
      'inlinePolicy:',
      '  Version: "2012-10-17"',
      '  Statement:',
      '    - Effect: Allow',
      '      Action: ssm:StartSession',
      '      Resource: "*"',
      '      Condition: {StringEquals: {"ssm:resourceTag/team": "${aws:PrincipalTag/team}"}}',
      'trustPolicy:',
      '  Version: "2012-10-17"',
      '  Statement:',
      '    - Effect: Allow',
      '      Principal: {AWS: "arn:aws:iam::{account}:root"}',
      '      Action: sts:AssumeRole',
      '      Condition: {StringEquals: {"aws:PrincipalTag/team": "${aws:PrincipalTag/team}"}}',
      '',
    ].join('\n');
    const { stacks } = await synthFiles(files);
    const stack = stacks.get('111111111111')!;
    const references: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') references.push(...templateSequences(v));
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (walk(k), walk(x));
    };
    walk({ resource: stack.resource, provider: stack.provider, import: stack.import ?? [] });
    expect(new Set(references)).toEqual(new Set(['${var.assume_role_arn}', '${aws_iam_role.role_Dev.name}', '${aws_iam_role.role_Dev.id}', '${aws_iam_policy.cmp_S3Read.arn}', '${aws_iam_policy.cmp_LogsRead.arn}']));
    // and what Terraform will read is the file's text
    const role = stack.resource.aws_iam_role.role_Dev;
    expect(decode(role.description)).toBe('${path.cwd} %{ if true }x%{ endif }');
    expect(role.tags.team).toBe('%%{t}');
    expect(JSON.parse(decode(stack.resource.aws_iam_policy.cmp_S3Read.policy))).toEqual(files['policies/S3Read.json']);
    expect(decode(role.assume_role_policy)).toContain('"aws:PrincipalTag/team":"${aws:PrincipalTag/team}"');
    expect(decode(stack.resource.aws_iam_role_policy.role_Dev__inline.policy)).toContain('${aws:PrincipalTag/team}');
  });
});
