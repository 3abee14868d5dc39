import { simpleGit } from 'simple-git';
import { externalError } from '../../core/errors';

/**
 * The text of one file at a commit (`git show <ref>:<path>`), without touching the working tree;
 * undefined when the commit has no such file.
 */
export async function readFileAtRef(root: string, ref: string, file: string): Promise<string | undefined> {
  const git = simpleGit(root);
  try {
    const listed = (await git.raw(['ls-tree', '--name-only', ref, '--', file])).trim();
    if (!listed) return undefined;
    return await git.show([`${ref}:${file}`]);
  } catch (err) {
    throw externalError(`git cannot read ${file} at ${ref}: ${(err as Error).message.trim()}`, err);
  }
}
