/**
 * The rollout ledger in git: a branch of the repository's remote (by default `prism-ledger`, so a
 * protected `main` is never pushed to) holding `rollouts/**` (artifacts/ledger.ts). Each run writes
 * only its own file. Commits are made with git plumbing and a private index, never in a checkout or
 * worktree: read the branch tip, add the run's file to its tree, commit, push. A push rejected because
 * another run pushed first is always rebased cleanly (the other run changed other files): fetch,
 * rebuild the commit on the new tip, push again, with jittered backoff until a deadline. So racing
 * shards never lose a row and never fail on contention. Commits say [skip ci].
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatLines, isLedgerFile, LEDGER_DIR, ledgerOrder, LedgerContent, parseLedger, runFile, Watermark } from '../../artifacts/ledger';
import { readBlobs } from './read-tree';
import { externalError } from '../../core/errors';
import { RolloutRow } from '../../model/rollout';

/** Where the ledger lives and who writes it. */
export interface LedgerStoreOptions {
  /** The repository (a clone; its remote holds the ledger branch). */
  readonly repoDir: string;
  /** @default 'origin' */
  readonly remote?: string;
  /** @default 'prism-ledger' */
  readonly branch?: string;
  /** Committer identity. @default GIT_AUTHOR_NAME/EMAIL, else prism[bot] */
  readonly author?: { readonly name: string; readonly email: string };
  /** How long a writer keeps retrying a contended push. @default 10 minutes */
  readonly deadlineMs?: number;
  readonly log?: (line: string) => void;
}

interface GitResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runGit(cwd: string, args: string[], o: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = spawn('git', args, { cwd, env: { ...process.env, ...o.env }, stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (err) => resolve({ code: 127, stdout: '', stderr: err.message }));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr }));
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // a git that exits early; its exit code says what happened
      child.stdin.end(o.input);
    }
  });
}

async function gitOk(cwd: string, args: string[], o: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const r = await runGit(cwd, args, o);
  if (r.code !== 0) throw externalError(`git ${args[0]} failed for the rollout ledger: ${r.stderr.trim() || `exit code ${r.code}`}`);
  return r.stdout.trim();
}

/** A ledger file, not yet read. */
export interface LedgerFileRef {
  /** Relative to the ledger branch root (or the folder). */
  readonly path: string;
  /**
   * What identifies its content: `blob:<git blob id>` on the ledger branch; for a file of a folder,
   * its size, modification and change times, inode and path, as git's index does (none while the
   * file was modified in the last 10 s, so a file still being written is never taken as known).
   */
  readonly identity?: string;
  readonly source: { readonly blob: string } | { readonly file: string };
}

/** Reads ledger files' bytes. */
export interface LedgerFileReader {
  read(ref: LedgerFileRef): Promise<Buffer>;
  close(): void;
}

/** Whether a push failed because the branch moved (another run pushed first). */
const contended = (stderr: string) => /rejected|non-fast-forward|fetch first|failed to update ref|cannot lock ref|stale info/i.test(stderr);

/** The rollout ledger on the remote's ledger branch. */
export class LedgerStore {
  private readonly remote: string;
  readonly branch: string;

  private constructor(
    private readonly o: LedgerStoreOptions,
    /** Whether `repoDir` is a git repository with the remote (else the ledger is the folder's own rollouts/). */
    private readonly inGit: boolean,
  ) {
    this.remote = o.remote ?? 'origin';
    this.branch = o.branch ?? 'prism-ledger';
  }

  /** The remote-tracking ref the store reads. */
  get ref(): string {
    return `refs/remotes/${this.remote}/${this.branch}`;
  }

  /**
   * Opens the store: fetches the ledger branch when the remote has it (a missing branch is an empty
   * ledger). `fetch: false` reads what was fetched last. A folder that is not a clone with the remote
   * reads the ledger from its own rollouts/ folder and cannot write it.
   */
  static async open(o: LedgerStoreOptions & { fetch?: boolean }): Promise<LedgerStore> {
    const probe = await runGit(o.repoDir, ['remote', 'get-url', o.remote ?? 'origin']);
    const store = new LedgerStore(o, probe.code === 0);
    if (store.inGit && o.fetch !== false) await store.fetch();
    return store;
  }

  /** Brings the remote-tracking ref of the ledger branch up to date; a branch the remote lacks is not an error. */
  async fetch(): Promise<void> {
    const r = await runGit(this.o.repoDir, ['fetch', '--quiet', '--no-tags', this.remote, `+refs/heads/${this.branch}:${this.ref}`]);
    if (r.code === 0) return;
    if (/couldn't find remote ref|no such ref/i.test(r.stderr)) {
      await runGit(this.o.repoDir, ['update-ref', '-d', this.ref]);
      return;
    }
    throw externalError(`cannot fetch the rollout ledger (${this.remote} ${this.branch}): ${r.stderr.trim()}`);
  }

  private async tip(): Promise<string | undefined> {
    const r = await runGit(this.o.repoDir, ['rev-parse', '--verify', '--quiet', `${this.ref}^{commit}`]);
    return r.code === 0 ? r.stdout.trim() : undefined;
  }

  /** The ledger files in the tree of commit `tip`: their paths and blob ids. */
  private async branchFiles(tip: string): Promise<{ path: string; object: string }[]> {
    const listing = await gitOk(this.o.repoDir, ['ls-tree', '-r', '-z', tip, '--', LEDGER_DIR]);
    return listing
      .split('\0')
      .filter(Boolean)
      .map((line) => ({ object: line.split(/\s+/)[2], path: line.slice(line.indexOf('\t') + 1) }))
      .filter((e) => isLedgerFile(e.path));
  }

  /** The ledger files on the branch, plus the per-policy files an older repository keeps in its checkout. */
  async files(): Promise<{ path: string; text: string }[]> {
    const checkout = readLegacyFiles(this.o.repoDir, !this.inGit);
    const tip = this.inGit ? await this.tip() : undefined;
    if (!tip) return checkout;
    const entries = await this.branchFiles(tip);
    const blobs = await readBlobs(this.o.repoDir, entries.map((e) => e.object));
    const branch = entries.map((e) => ({ path: e.path, text: blobs.get(e.object)!.toString('utf8') }));
    const seen = new Set(branch.map((f) => f.path));
    return [...checkout.filter((f) => !seen.has(f.path)), ...branch].sort((a, b) => ledgerOrder(a.path, b.path));
  }

  /** Every row and watermark. */
  async read(): Promise<LedgerContent> {
    return parseLedger(await this.files());
  }

  /**
   * The ledger files in ledger order, each named by what identifies its content, without reading
   * them (read each with `reader()`): a reader that keeps something per file (the dashboard's folds)
   * reads only the files it has not seen.
   */
  async fileRefs(): Promise<LedgerFileRef[]> {
    const tip = this.inGit ? await this.tip() : undefined;
    const checkout = legacyPaths(this.o.repoDir, !tip && !this.inGit).map((p) => fileRef(this.o.repoDir, p));
    if (!tip) return checkout;
    const branch: LedgerFileRef[] = (await this.branchFiles(tip)).map((e) => ({ path: e.path, identity: `blob:${e.object}`, source: { blob: e.object } }));
    const onBranch = new Set(branch.map((f) => f.path));
    return [...checkout.filter((f) => !onBranch.has(f.path)), ...branch].sort((a, b) => ledgerOrder(a.path, b.path));
  }

  /** Reads the files that `fileRefs` named, one at a time (one `git cat-file --batch` process); close it after. */
  reader(): LedgerFileReader {
    let blobs: BlobReader | undefined;
    let queue: Promise<unknown> = Promise.resolve();
    return {
      read: (ref) => {
        const next = queue.then(() => {
          if ('file' in ref.source) return fs.promises.readFile(ref.source.file);
          blobs ??= new BlobReader(this.o.repoDir);
          return blobs.read(ref.source.blob);
        });
        queue = next.catch(() => undefined);
        return next;
      },
      close: () => blobs?.close(),
    };
  }

  /** A writer for one run's own file. */
  run(runId: string, startedAt: string): RunWriter {
    if (!this.inGit) throw externalError(`${this.o.repoDir} is not a clone with a remote ${this.remote}; the rollout ledger cannot be written (use --no-ledger)`);
    return new RunWriter(this, runFile(runId, startedAt));
  }

  /** Commits `file` with `content` on top of the branch tip and pushes it; retries contended pushes until the deadline. Returns the attempts. */
  async commitFile(file: string, content: string, message: string): Promise<number> {
    const repo = this.o.repoDir;
    const author = this.o.author ?? { name: process.env.GIT_AUTHOR_NAME || 'prism[bot]', email: process.env.GIT_AUTHOR_EMAIL || 'prism-bot@users.noreply.github.com' };
    const env = { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email };
    const deadline = Date.now() + (this.o.deadlineMs ?? 10 * 60_000);
    const index = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'prism-ledger-index-')), 'index');
    try {
      const blob = await gitOk(repo, ['hash-object', '-w', '--stdin'], { input: content });
      let otherFailures = 0;
      for (let attempt = 1; ; attempt++) {
        const tip = await this.tip();
        const withIndex = { env: { ...env, GIT_INDEX_FILE: index } };
        await gitOk(repo, tip ? ['read-tree', tip] : ['read-tree', '--empty'], withIndex);
        await gitOk(repo, ['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`], withIndex);
        const tree = await gitOk(repo, ['write-tree'], withIndex);
        const commit = await gitOk(repo, ['commit-tree', tree, ...(tip ? ['-p', tip] : []), '-m', `${message} [skip ci]`], { env });
        const push = await runGit(repo, ['push', '--quiet', this.remote, `${commit}:refs/heads/${this.branch}`]);
        if (push.code === 0) {
          await gitOk(repo, ['update-ref', this.ref, commit]);
          return attempt;
        }
        if (!contended(push.stderr) && ++otherFailures >= 3) throw externalError(`cannot push the rollout ledger to ${this.remote} ${this.branch}: ${push.stderr.trim()}`);
        if (Date.now() > deadline) throw externalError(`cannot push the rollout ledger to ${this.remote} ${this.branch}: still contended after ${attempt} attempts (${Math.round((this.o.deadlineMs ?? 600_000) / 1000)} s)`);
        if (attempt % 5 === 0) this.o.log?.(`ledger: push contended (attempt ${attempt}); retrying on the new tip`);
        await new Promise((r) => setTimeout(r, Math.round(Math.min(3000, 50 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random()))));
        await this.fetch();
      }
    } finally {
      fs.rmSync(path.dirname(index), { recursive: true, force: true });
    }
  }
}

/** One run's file: the rows and watermarks it has written so far, pushed whole each time. */
export class RunWriter {
  private content = '';

  constructor(
    private readonly store: LedgerStore,
    /** The run's file, relative to the ledger branch root. */
    readonly file: string,
  ) {}

  /** Appends lines to the run's file and pushes it; returns the attempts the push took. */
  async append(items: readonly (RolloutRow | Watermark)[], message: string): Promise<number> {
    if (items.length === 0) return 0;
    this.content += formatLines(items);
    return this.store.commitFile(this.file, this.content, message);
  }
}

/** The per-policy ledger files (rollouts/<policy>.jsonl) of the checkout, in ledger order; every ledger file when `all`. */
function legacyPaths(repoDir: string, all: boolean): string[] {
  const folder = path.join(repoDir, LEDGER_DIR);
  if (!fs.existsSync(folder)) return [];
  const names = all ? (fs.readdirSync(folder, { recursive: true, encoding: 'utf8' }) as string[]).map((n) => n.split(path.sep).join('/')) : fs.readdirSync(folder);
  return names
    .map((n) => `${LEDGER_DIR}/${n}`)
    .filter((p) => isLedgerFile(p) && fs.statSync(path.join(repoDir, p)).isFile())
    .sort(ledgerOrder);
}

/** A file of the checkout's ledger folder; no identity while it may still change (modified in the last 10 s). */
function fileRef(repoDir: string, p: string): LedgerFileRef {
  const file = path.join(repoDir, p);
  const st = fs.statSync(file, { bigint: true });
  const settled = Date.now() - Number(st.mtimeMs) > 10_000;
  return { path: p, ...(settled ? { identity: `file:${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}:${p}` } : {}), source: { file } };
}

function readLegacyFiles(repoDir: string, all: boolean): { path: string; text: string }[] {
  return legacyPaths(repoDir, all).map((p) => ({ path: p, text: fs.readFileSync(path.join(repoDir, p), 'utf8') }));
}

/** One `git cat-file --batch` process answering one object at a time. */
class BlobReader {
  private readonly child;
  /** what arrived and was not yet taken: chunks, and their total length */
  private chunks: Buffer[] = [];
  private length = 0;
  private waiting?: () => void;

  constructor(cwd: string) {
    this.child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'ignore'] });
    this.child.stdout.on('data', (c: Buffer) => {
      this.chunks.push(c);
      this.length += c.length;
      this.waiting?.();
    });
    this.child.on('close', () => this.waiting?.());
  }

  /** Joins what arrived into one buffer (only when it is needed whole). */
  private joined(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
    return this.chunks[0];
  }

  /** The content of one blob. */
  async read(object: string): Promise<Buffer> {
    this.child.stdin.write(object + '\n');
    let size = -1;
    let bodyAt = 0;
    for (;;) {
      if (size === -1 && this.length) {
        const head = this.joined();
        const nl = head.indexOf(10);
        if (nl >= 0) {
          const header = head.subarray(0, nl).toString().split(' ');
          if (header[1] === 'missing') throw externalError(`the ledger branch lacks object ${object}`);
          size = Number(header[2]);
          bodyAt = nl + 1;
        }
      }
      // the body and its newline have arrived: join once and take them
      if (size >= 0 && this.length >= bodyAt + size + 1) {
        const all = this.joined();
        const body = Buffer.from(all.subarray(bodyAt, bodyAt + size));
        const rest = all.subarray(bodyAt + size + 1);
        this.chunks = rest.length ? [rest] : [];
        this.length = rest.length;
        return body;
      }
      if (this.child.exitCode !== null) throw externalError('git cat-file stopped while reading the rollout ledger');
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  close(): void {
    this.child.stdin.end();
  }
}
