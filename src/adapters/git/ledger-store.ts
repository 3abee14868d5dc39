import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { simpleGit, SimpleGit } from 'simple-git';
import { externalError } from '../../core/errors';
import { appendRows, LEDGER_DIR, readLedger } from '../../artifacts/ledger';
import { RolloutRow } from '../../model/rollout';

/** Options for `LedgerWriter.open`. */
export interface LedgerOptions {
  /** The repository (a clone with a remote). */
  readonly repoDir: string;
  /** @default 'origin' */
  readonly remote?: string;
  /** The branch the ledger lives on. @default 'main' */
  readonly branch?: string;
  /** Push attempts before giving up. @default 8 */
  readonly maxAttempts?: number;
  /** Committer identity. @default GIT_AUTHOR_NAME/EMAIL, else prism[bot] */
  readonly author?: { readonly name: string; readonly email: string };
  readonly log?: (line: string) => void;
}

/**
 * Writes rollout rows (artifacts/ledger) on the remote branch, from a temporary worktree so
 * the checkout is never touched. Commits say [skip ci] so that writing the ledger never triggers the
 * pipeline. Two writers racing never lose a row: on a rejected push the writer fetches, resets to the
 * remote, appends its rows again (the ledger is append-only, so this is a lossless rebase) and retries.
 */
export class LedgerWriter {
  private constructor(
    private readonly git: SimpleGit,
    private readonly dir: string,
    private readonly repo: SimpleGit,
    private readonly options: Required<Pick<LedgerOptions, 'remote' | 'branch' | 'maxAttempts'>> & LedgerOptions,
  ) {}

  static async open(options: LedgerOptions): Promise<LedgerWriter> {
    const o = { remote: 'origin', branch: 'main', maxAttempts: 8, ...options };
    const repo = simpleGit(o.repoDir);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-ledger-'));
    try {
      await repo.fetch(o.remote, o.branch);
      await repo.raw(['worktree', 'add', '--detach', dir, `${o.remote}/${o.branch}`]);
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw externalError(`cannot check out the ledger branch ${o.remote}/${o.branch}: ${(err as Error).message.trim()}`, err);
    }
    const author = o.author ?? {
      name: process.env.GIT_AUTHOR_NAME || 'prism[bot]',
      email: process.env.GIT_AUTHOR_EMAIL || 'prism-bot@users.noreply.github.com',
    };
    const git = simpleGit({ baseDir: dir, config: [`user.name=${author.name}`, `user.email=${author.email}`] });
    return new LedgerWriter(git, dir, repo, o);
  }

  /** Every row on the remote branch as of the last fetch. */
  readRows(): RolloutRow[] {
    return readLedger(this.dir).rows;
  }

  /** Brings the worktree to the remote's latest. */
  async refresh(): Promise<void> {
    await this.git.fetch(this.options.remote, this.options.branch);
    await this.git.raw(['reset', '--hard', `${this.options.remote}/${this.options.branch}`]);
  }

  /** Appends rows and pushes them, retrying on a push race. Returns the attempts it took. */
  async append(rows: readonly RolloutRow[], message: string): Promise<number> {
    if (rows.length === 0) return 0;
    for (let attempt = 1; ; attempt++) {
      appendRows(this.dir, rows);
      await this.git.add(LEDGER_DIR);
      await this.git.commit(`${message} [skip ci]`, undefined, { '--no-gpg-sign': null, '--no-verify': null });
      try {
        await this.git.push(this.options.remote, `HEAD:refs/heads/${this.options.branch}`);
        return attempt;
      } catch (err) {
        if (attempt >= this.options.maxAttempts) throw externalError(`cannot push the rollout ledger after ${attempt} attempts: ${(err as Error).message.trim()}`, err);
        this.options.log?.(`ledger: push rejected (attempt ${attempt}); fetching and re-appending`);
        await this.refresh();
        await new Promise((r) => setTimeout(r, Math.round(100 * 2 ** attempt * Math.random())));
      }
    }
  }

  /** Removes the temporary worktree. */
  async close(): Promise<void> {
    try {
      await this.repo.raw(['worktree', 'remove', '--force', this.dir]);
    } catch {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
