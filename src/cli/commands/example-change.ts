import * as fs from 'node:fs';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { previewCommand } from './preview';

/** A throwaway identity for the example's commits (never your git config). */
const IDENTITY = ['user.name=Prism example', 'user.email=example@prism.invalid'];

/**
 * The example change `prism example` previews, as an engineer would make it in a pull request:
 * DataLakeRead gains a read action (an edit that propagates to every account that has it), and the
 * Developer permission set gains ReadOnlyBilling (an attach).
 */
export function applyExampleChange(work: string): void {
  const policyFile = path.join(work, 'policies', 'DataLakeRead.json');
  const policy = JSON.parse(fs.readFileSync(policyFile, 'utf8'));
  policy.Statement[1].Action.push('s3:GetObjectTagging');
  fs.writeFileSync(policyFile, JSON.stringify(policy, null, 2) + '\n');
  const psFile = path.join(work, 'permission-sets', 'Developer.yaml');
  fs.writeFileSync(psFile, fs.readFileSync(psFile, 'utf8').replace('  - DenyOutsideEU\n', '  - DenyOutsideEU\n  - ReadOnlyBilling\n'));
}

/** Commits the example as the base, applies the example change, and previews it. */
export async function runExampleChange(work: string, heading: (text: string) => void): Promise<number> {
  const git = simpleGit({ baseDir: work, config: IDENTITY });
  await git.init();
  await git.add('.');
  await git.commit('The example organisation', undefined, { '--no-gpg-sign': null });
  applyExampleChange(work);
  heading('3. prism preview --base HEAD (the example change: edit DataLakeRead, attach ReadOnlyBilling to Developer)');
  return previewCommand(['--dir', work, '--base', 'HEAD']);
}
