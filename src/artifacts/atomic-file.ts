/**
 * The one way Prism writes files and output folders: atomically, and never over anything it did not
 * create. Every artifact (discovery results, plan summaries, the preview, pinned policies) and every
 * output folder (cdktf.out, the bootstrap stacks, the dashboard) goes through here.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { usageError } from '../core/errors';
import { isProcessAlive } from './locks';

/**
 * Writes `file` atomically: the data goes to a temporary sibling that is renamed into place, so a
 * reader never sees half a file and a failure leaves the old file as it was. A folder at `file` is a
 * usage error, and nothing is written.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  if (fs.existsSync(file) && !fs.statSync(file).isFile()) throw usageError(`${file} is a folder, not a file; give a file path`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** The file in every output folder Prism makes: what made it, and every file it wrote there. */
export const OUTPUT_MANIFEST = '.prism-output.json';

/** What kind of output a folder holds. */
export type OutputKind = 'synth' | 'bootstrap' | 'dashboard';

interface OutputManifest {
  readonly writtenBy: 'prism';
  readonly kind: OutputKind;
  readonly version: 1;
  /** Every file Prism wrote, relative, with forward slashes, sorted. */
  readonly files: readonly string[];
}

/** Whether Prism may replace a folder: absent, empty, its own (of the same kind), or refused with a reason. */
export type OutputFolderState = { readonly kind: 'absent' } | { readonly kind: 'empty' } | { readonly kind: 'ours' } | { readonly kind: 'refused'; readonly reason: string };

/** Every file below `dir`, relative, with forward slashes. */
function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, p));
    else out.push(p);
  }
  return out;
}

/** What `terraform init` and `prism plan` leave in a stack folder of synth output: the lock file (restored from the plugin cache), the plan file, and older runs' working data. */
const TERRAFORM_FILES = /^stacks\/[^/]+\/(\.terraform\.lock\.hcl|tfplan|\.terraform\/.*)$/;

const few = (names: readonly string[]) => `${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}`;

/**
 * Decides whether Prism may replace `dir` with output of `kind`: only when it is absent, an empty
 * folder, or a folder holding exactly the files Prism wrote there before (listed in its manifest).
 * A folder that cdktf synth wrote (manifest.json and stacks/ only) counts as synth output. Reads only.
 */
export function inspectOutputFolder(dir: string, kind: OutputKind): OutputFolderState {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw err;
  }
  if (st.isSymbolicLink()) return { kind: 'refused', reason: 'is a symbolic link' };
  if (!st.isDirectory()) return { kind: 'refused', reason: 'is a file, not a folder' };
  const entries = fs.readdirSync(dir).sort();
  if (entries.length === 0) return { kind: 'empty' };
  let manifest: OutputManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, OUTPUT_MANIFEST), 'utf8')) as OutputManifest;
  } catch {
    // what cdktf synth itself writes (and Prism before it had a manifest)
    if (kind === 'synth' && entries.join(',') === 'manifest.json,stacks' && listFiles(dir).every((f) => f === 'manifest.json' || /^stacks\/[^/]+\/cdk\.tf\.json$/.test(f))) return { kind: 'ours' };
    return { kind: 'refused', reason: `is a folder with other content (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}: ${few(entries)}) and no ${OUTPUT_MANIFEST}` };
  }
  if (manifest?.writtenBy !== 'prism' || !Array.isArray(manifest.files)) return { kind: 'refused', reason: `has a ${OUTPUT_MANIFEST} that Prism did not write` };
  if (manifest.kind !== kind) return { kind: 'refused', reason: `holds Prism's ${manifest.kind} output, not ${kind} output` };
  const known = new Set([...manifest.files, OUTPUT_MANIFEST]);
  const foreign = listFiles(dir).filter((f) => !known.has(f) && !(kind === 'synth' && TERRAFORM_FILES.test(f)));
  if (foreign.length) return { kind: 'refused', reason: `holds ${foreign.length} file(s) Prism did not write (${few(foreign)})` };
  return { kind: 'ours' };
}

/** What `replaceOutputFolder` needs to know besides the folder. */
export interface OutputFolderOptions {
  /** The flag that named the folder, for messages (e.g. `--out`). */
  readonly flag: string;
  readonly kind: OutputKind;
  /** Folders the output may never be, nor contain: the repository and its user folders. */
  readonly protectedDirs?: readonly string[];
}

/** Throws the usage error for a folder Prism may not replace; nothing is touched. */
export function checkOutputFolder(dir: string, o: OutputFolderOptions): OutputFolderState {
  const target = path.resolve(dir);
  for (const p of o.protectedDirs ?? []) {
    const prot = path.resolve(p);
    if (target === prot || prot.startsWith(target + path.sep)) {
      const rel = path.relative(process.cwd(), prot);
      throw usageError(`${o.flag} ${dir} would replace ${rel && !rel.startsWith('..') ? rel : prot}; nothing was written`, 'Prism replaces its output folder whole: give it a folder of its own.');
    }
  }
  const state = inspectOutputFolder(target, o.kind);
  if (state.kind === 'refused') {
    throw usageError(`${o.flag} ${dir} ${state.reason}; nothing was written`, `Prism writes only into a folder that is absent, empty, or one it wrote before (listed in its ${OUTPUT_MANIFEST}). Choose another ${o.flag}.`);
  }
  return state;
}

/** Temporary siblings of `dir` left by killed runs: `<dir>.tmp-<pid>-<random>` and `<dir>.old-<pid>-<random>`. */
function leftovers(dir: string): { name: string; kind: 'tmp' | 'old'; pid: number }[] {
  const base = path.basename(dir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${base}\\.(tmp|old)-(\\d+)-[0-9a-f]+$`);
  const parent = path.dirname(dir);
  if (!fs.existsSync(parent)) return [];
  return fs.readdirSync(parent).flatMap((name) => {
    const m = re.exec(name);
    return m ? [{ name, kind: m[1] as 'tmp' | 'old', pid: Number(m[2]) }] : [];
  });
}

/**
 * Replaces the output folder `dir` with what `build` writes into a fresh temporary sibling, then
 * swaps it in by rename, with a manifest of every file written. `dir` must pass `checkOutputFolder`:
 * otherwise it is a usage error and nothing is touched. A failed `build` leaves `dir` as it was. A
 * run killed during the swap leaves `<dir>.old-...` behind: the next run puts it back when `dir` is
 * missing, and removes it otherwise.
 */
export async function replaceOutputFolder<T>(dir: string, o: OutputFolderOptions, build: (tmp: string) => Promise<T> | T): Promise<T> {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  for (const l of leftovers(target)) {
    if (l.pid !== process.pid && isProcessAlive(l.pid)) continue;
    const p = path.join(parent, l.name);
    if (l.kind === 'old' && !fs.existsSync(target)) fs.renameSync(p, target);
    else fs.rmSync(p, { recursive: true, force: true });
  }
  const state = checkOutputFolder(target, o);
  const suffix = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const tmp = path.join(parent, `${path.basename(target)}.tmp-${suffix}`);
  fs.mkdirSync(tmp);
  let result: T;
  try {
    result = await build(tmp);
    const manifest: OutputManifest = { writtenBy: 'prism', kind: o.kind, version: 1, files: listFiles(tmp).sort() };
    fs.writeFileSync(path.join(tmp, OUTPUT_MANIFEST), JSON.stringify(manifest, null, 1) + '\n');
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  if (state.kind === 'empty') fs.rmdirSync(target);
  if (state.kind === 'ours') {
    const old = path.join(parent, `${path.basename(target)}.old-${suffix}`);
    fs.renameSync(target, old);
    fs.renameSync(tmp, target);
    fs.rmSync(old, { recursive: true, force: true });
  } else {
    fs.renameSync(tmp, target);
  }
  return result;
}
