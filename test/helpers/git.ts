import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileMap, writeFiles, writeRepo } from './repo';

/** A fixed identity, so tests never depend on the machine's git config. */
export const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: '/nonexistent',
};

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' }).trim();
}

/** A real git repository in a temp dir with `files` committed on main; returns the dir. */
export function gitRepo(files: FileMap): string {
  const dir = writeRepo(files, 'prism-git-');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base', '--no-gpg-sign');
  return dir;
}

/** Applies a change to the working tree: files to write, and paths (null) to delete. */
export function change(dir: string, files: Record<string, string | object | null>): void {
  const writes: FileMap = {};
  for (const [p, c] of Object.entries(files)) {
    if (c === null) fs.rmSync(path.join(dir, p));
    else writes[p] = c;
  }
  writeFiles(dir, writes);
}

/** Commits the working tree; returns the new commit. */
export function commit(dir: string, message = 'change'): string {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message, '--no-gpg-sign');
  return git(dir, 'rev-parse', 'HEAD');
}

/** A bare "remote" holding `files` on main, and a clone of it; returns both paths. */
export function remoteAndClone(files: FileMap): { remote: string; clone: string } {
  const seed = gitRepo(files);
  const remote = writeRepo({}, 'prism-remote-');
  git(remote, 'init', '-q', '--bare', '-b', 'main');
  git(seed, 'remote', 'add', 'origin', remote);
  git(seed, 'push', '-q', 'origin', 'main');
  return { remote, clone: cloneOf(remote) };
}

/** Another clone of the remote. */
export function cloneOf(remote: string): string {
  const dir = writeRepo({}, 'prism-clone-');
  fs.rmSync(dir, { recursive: true });
  execFileSync('git', ['clone', '-q', remote, dir], { env: GIT_ENV });
  return dir;
}
