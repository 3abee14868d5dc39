/**
 * The dashboard's heavy work, on every core: folding ledger files (the bytes of one file into its
 * encoded fold) in worker threads, a cache of folds by the file's identity so that a build parses
 * only the ledger files it has not seen (a finished run's file never changes), and rendering the
 * account pages in a worker thread while the main thread renders the policy pages.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { writeFileAtomic } from '../artifacts/atomic-file';
import { usageError } from '../core/errors';
import { parseLedger } from '../artifacts/ledger';
import { decodeFold, encodeFold, FOLD_FORMAT, foldRows, LedgerFold } from '../dashboard/fold';
import { LatestTableData } from '../dashboard/latest-table';
import { RenderOptions, SiteDocuments, siteDocuments } from '../dashboard/render';
import { WriteResult } from '../dashboard/write-site';

/** A file's fold as bytes, and the lines of the file that are neither rows nor watermarks. */
export interface FoldedFile {
  readonly bytes: Uint8Array;
  readonly problems: readonly string[];
}

/** Parses one ledger file and folds its rows (the work a worker does). */
export function foldLedgerBytes(file: string, bytes: Uint8Array): FoldedFile {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const { rows, problems } = parseLedger([{ path: file, text }]);
  return { bytes: encodeFold(foldRows(rows)), problems };
}

/** Bytes whose memory can be handed to another thread: themselves, or a copy when they are a view of a larger (pooled) buffer. */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/** The workers' scripts: next to this file once compiled (dist/); absent when running from src/ (ts-jest), where the work stays in this thread. */
const WORKER_SCRIPT = path.join(__dirname, 'dashboard-fold-worker.js');
const ACCOUNTS_SCRIPT = path.join(__dirname, 'dashboard-accounts-worker.js');

/** Threads to use: one per core, at most 4. */
const threadsWanted = () => Math.min(os.availableParallelism(), 4);

/** Folds files in worker threads (one per core, at most `size`), or in this thread when there are no workers to use. */
export class FoldPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { file: string; bytes: Uint8Array; resolve: (r: FoldedFile) => void; reject: (e: Error) => void }[] = [];
  private readonly jobs = new Map<Worker, { resolve: (r: FoldedFile) => void; reject: (e: Error) => void }>();
  private started = false;

  /** Workers are started on the first file to fold: a build that finds every fold in the cache starts none. */
  constructor(private readonly size = threadsWanted()) {}

  private start(): void {
    if (this.started) return;
    this.started = true;
    if (this.size < 2 || !fs.existsSync(WORKER_SCRIPT)) return;
    for (let i = 0; i < this.size; i++) {
      const w = new Worker(WORKER_SCRIPT);
      w.on('message', (m: { bytes?: Uint8Array; problems?: string[]; error?: string }) => {
        const job = this.jobs.get(w)!;
        this.jobs.delete(w);
        if (m.error !== undefined) job.reject(new Error(m.error));
        else job.resolve({ bytes: m.bytes!, problems: m.problems! });
        this.idle.push(w);
        this.pump();
      });
      w.on('error', (err) => {
        this.jobs.get(w)?.reject(err);
        this.jobs.delete(w);
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  /** How many threads fold (0: this one). */
  get threads(): number {
    return this.workers.length;
  }

  /** Folds one file's bytes; the bytes are handed over to the worker. */
  fold(file: string, bytes: Uint8Array): Promise<FoldedFile> {
    this.start();
    if (!this.workers.length) {
      try {
        return Promise.resolve(foldLedgerBytes(file, bytes));
      } catch (err) {
        return Promise.reject(err as Error);
      }
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ file, bytes, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.jobs.set(w, job);
      const own = ownBytes(job.bytes);
      w.postMessage({ file: job.file, bytes: own }, [own.buffer as ArrayBuffer]);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Names of cache entries: only these are ever read or removed. */
const ENTRY = /^[0-9a-f]{40}\.fold$/;

/** The file that marks a folder as a fold cache Prism made. */
export const CACHE_MARKER = '.prism-dashboard-cache';

/**
 * Folds kept by file identity in `dir` (Prism's own folder, `<repo>/.prism/cache/dashboard` by
 * default), one file per ledger file, written atomically. A build removes the entries it did not
 * use, so the cache holds the current ledger only. An entry that cannot be read as a fold of this
 * format is ignored and rewritten.
 */
export class FoldCache {
  private readonly used = new Set<string>();
  readonly dir: string;

  /** Opens (or makes) the cache in `root`: absent, empty, or a cache Prism made (else a usage error, nothing touched). */
  constructor(root: string) {
    const marker = path.join(root, CACHE_MARKER);
    let names: string[] = [];
    try {
      names = fs.readdirSync(root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw usageError(`the dashboard cache ${root} is not a folder Prism can use: ${(err as Error).message}`);
    }
    if (names.length && !names.includes(CACHE_MARKER)) throw usageError(`${root} holds files Prism did not make; give --cache an empty or new folder (or --no-cache)`);
    this.marker = marker;
    this.dir = path.join(root, `format-${FOLD_FORMAT}-${os.endianness()}`);
  }

  /** The marker file, written with the first entry (so that a build refused later has written nothing). */
  private readonly marker: string;
  private marked = false;

  private entry(identity: string): string {
    const name = `${createHash('sha1').update(identity).digest('hex')}.fold`;
    this.used.add(name);
    return path.join(this.dir, name);
  }

  /** The fold of a file with this identity, when it is kept and readable. */
  get(identity: string): LedgerFold | undefined {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(this.entry(identity));
    } catch {
      return undefined;
    }
    try {
      return decodeFold(bytes);
    } catch {
      return undefined;
    }
  }

  put(identity: string, bytes: Uint8Array): void {
    if (!this.marked && !fs.existsSync(this.marker)) writeFileAtomic(this.marker, 'The folds of rollout ledger files that `prism dashboard` keeps between builds. Safe to delete.\n');
    this.marked = true;
    writeFileAtomic(this.entry(identity), bytes);
  }

  /** Removes the entries this build did not use; returns how many. */
  prune(): number {
    let removed = 0;
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return 0;
    }
    for (const name of names) {
      if (!ENTRY.test(name) || this.used.has(name)) continue;
      fs.rmSync(path.join(this.dir, name), { force: true });
      removed++;
    }
    return removed;
  }
}

/** What the accounts worker gets: the latest rollouts, the documents, the options and the folder. */
export interface AccountsJob {
  readonly table: LatestTableData;
  readonly documents: SiteDocuments;
  readonly options: Omit<RenderOptions, 'generatedAt'> & { readonly generatedAt: number };
  readonly dir: string;
}

/** Whether a worker thread can render the account pages (one core more, and the compiled worker). */
export function canRenderAccountsApart(): boolean {
  return threadsWanted() > 1 && fs.existsSync(ACCOUNTS_SCRIPT);
}

/**
 * Renders the account pages into `dir` in a worker thread, from the table of latest rollouts
 * (`LatestTable.of(aggregate)`), while the caller renders the rest. `options.repoUrl` must be
 * resolved (the worker has no ledger to derive it from). Resolves with what it wrote.
 */
export function renderAccountsApart(dir: string, table: LatestTableData, documents: SiteDocuments, options: RenderOptions): { done: Promise<WriteResult>; stop: () => Promise<number> } {
  const job: AccountsJob = { table, documents: siteDocuments(documents), options: { ...options, generatedAt: options.generatedAt.getTime() }, dir };
  const w = new Worker(ACCOUNTS_SCRIPT, { workerData: job });
  const done = new Promise<WriteResult>((resolve, reject) => {
    w.once('message', (m: { result?: WriteResult; error?: string }) => (m.error !== undefined ? reject(new Error(m.error)) : resolve(m.result!)));
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`it stopped (exit code ${code})`)));
  });
  // a rejection is taken by the caller; never left unhandled meanwhile
  done.catch(() => undefined);
  return { done, stop: () => w.terminate() };
}
