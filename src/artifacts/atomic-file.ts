/**
 * The one way Prism writes files and output folders: atomically, and never over anything it did not
 * create. Every artifact (discovery results, plan summaries, the preview, pinned policies) and every
 * output folder (cdktf.out, the bootstrap stacks, the dashboard) goes through here.
 */
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

/** The file that marks a folder as one Prism made (and may therefore replace). */
export const OUTPUT_MARKER = '.prism-output';

/** What a folder holds, for the output-folder check. */
function describeFolder(dir: string): 'absent' | 'empty' | 'prism' | 'foreign' | 'file' {
  if (!fs.existsSync(dir)) return 'absent';
  if (!fs.lstatSync(dir).isDirectory()) return 'file';
  const names = fs.readdirSync(dir);
  if (names.length === 0) return 'empty';
  if (names.includes(OUTPUT_MARKER)) return 'prism';
  // what cdktf synth (or Prism before the marker existed) writes, and nothing else
  if (names.every((n) => n === 'manifest.json' || n === 'stacks') && names.includes('manifest.json')) return 'prism';
  return 'foreign';
}

/**
 * Checks that `dir` may be used as an output folder: absent, empty, or made by Prism. The repository
 * root, a user folder, `.git`, or any folder with files of its own is a usage error, and nothing is
 * touched.
 */
export function checkOutputFolder(dir: string, flag: string, protectedDirs: readonly string[] = []): void {
  const target = path.resolve(dir);
  for (const p of protectedDirs) {
    const prot = path.resolve(p);
    if (target === prot || prot.startsWith(target + path.sep)) throw usageError(`${flag} ${dir} would replace ${path.relative(process.cwd(), prot) || prot}; choose a folder of its own (Prism replaces its output folder whole)`);
  }
  const kind = describeFolder(target);
  if (kind === 'file') throw usageError(`${flag} ${dir} is a file, not a folder`);
  if (kind === 'foreign') throw usageError(`${flag} ${dir} holds files Prism did not write (it has no ${OUTPUT_MARKER}); choose an empty or new folder`, 'Prism replaces its output folder whole, so it only ever writes into one it made.');
}

/** Temporary siblings of `dir` left by a killed run: `<dir>.tmp-<pid>-...` and `<dir>.old-<pid>`. */
function leftovers(dir: string): { name: string; kind: 'tmp' | 'old'; pid: number }[] {
  const base = path.basename(dir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${base}\\.(tmp|old)-(\\d+)`);
  const parent = path.dirname(dir);
  if (!fs.existsSync(parent)) return [];
  return fs.readdirSync(parent).flatMap((name) => {
    const m = re.exec(name);
    return m ? [{ name, kind: m[1] as 'tmp' | 'old', pid: Number(m[2]) }] : [];
  });
}

/**
 * Replaces the output folder `dir` with what `build` writes into a fresh temporary sibling, then
 * swaps it in by rename. `dir` must pass `checkOutputFolder`. The new folder gets the marker. A
 * failed `build` leaves `dir` untouched. A run killed during the swap leaves `<dir>.old-<pid>`
 * behind; the next run restores it when `dir` is missing, and removes it otherwise.
 */
export async function replaceOutputFolder<T>(dir: string, options: { flag: string; protectedDirs?: readonly string[] }, build: (tmp: string) => Promise<T> | T): Promise<T> {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  // recover from a killed run first: an old copy whose new one never arrived is put back
  for (const l of leftovers(target)) {
    if (l.pid !== process.pid && isProcessAlive(l.pid)) continue;
    const p = path.join(parent, l.name);
    if (l.kind === 'old' && !fs.existsSync(target)) fs.renameSync(p, target);
    else fs.rmSync(p, { recursive: true, force: true });
  }
  checkOutputFolder(target, options.flag, options.protectedDirs);
  const tmp = fs.mkdtempSync(path.join(parent, `${path.basename(target)}.tmp-${process.pid}-`));
  let result: T;
  try {
    result = await build(tmp);
    fs.writeFileSync(path.join(tmp, OUTPUT_MARKER), 'This folder was written by Prism, which replaces it whole on the next run.\n');
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  const old = `${target}.old-${process.pid}`;
  if (fs.existsSync(target)) fs.renameSync(target, old);
  fs.renameSync(tmp, target);
  fs.rmSync(old, { recursive: true, force: true });
  return result;
}
