import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { usageError } from '../core/errors';
import { SitePage } from './render';

/** The file that marks a folder as written by `prism dashboard`, with the list of what it wrote. */
export const MANIFEST_FILE = '.prism-dashboard.json';
const MANIFEST_TOOL = 'prism dashboard';

interface Manifest {
  readonly tool: typeof MANIFEST_TOOL;
  readonly version: 1;
  readonly generatedAt: string;
  readonly files: readonly string[];
}

/** What an output folder is, as far as writing the dashboard is concerned. */
export type OutFolderState = { kind: 'absent' } | { kind: 'empty' } | { kind: 'ours' } | { kind: 'refused'; reason: string };

/** Every file below `dir` (relative, with forward slashes); directories are not listed. */
function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, p));
    else out.push(p);
  }
  return out;
}

/**
 * Decides whether the dashboard may write to `out`: only when it is absent, an empty folder, or a
 * folder holding exactly files the dashboard wrote before (listed in its manifest). Reads only.
 */
export function inspectOutFolder(out: string): OutFolderState {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(out);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw err;
  }
  if (st.isSymbolicLink()) return { kind: 'refused', reason: 'is a symbolic link' };
  if (!st.isDirectory()) return { kind: 'refused', reason: 'is a file, not a folder' };
  const entries = fs.readdirSync(out);
  if (entries.length === 0) return { kind: 'empty' };
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(out, MANIFEST_FILE), 'utf8')) as Manifest;
  } catch {
    const shown = entries.slice(0, 3).join(', ');
    return { kind: 'refused', reason: `is a folder with other content (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}: ${shown}${entries.length > 3 ? ', ...' : ''}) and no ${MANIFEST_FILE}` };
  }
  if (manifest?.tool !== MANIFEST_TOOL || !Array.isArray(manifest.files)) return { kind: 'refused', reason: `has a ${MANIFEST_FILE} that prism dashboard did not write` };
  const known = new Set([...manifest.files, MANIFEST_FILE]);
  const foreign = listFiles(out).filter((f) => !known.has(f));
  if (foreign.length) return { kind: 'refused', reason: `holds ${foreign.length} file(s) the dashboard did not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''})` };
  return { kind: 'ours' };
}

/** Temporary siblings of `out`: `.<name>.prism-dashboard-<pid>-<random>`. */
function tempPrefix(out: string): string {
  return `.${path.basename(out)}.prism-dashboard-`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temporary siblings that killed runs left behind (their process is gone). */
function removeLeftovers(out: string): void {
  const parent = path.dirname(out);
  const prefix = tempPrefix(out);
  for (const name of fs.readdirSync(parent)) {
    const m = name.startsWith(prefix) ? /^(\d+)-[0-9a-f]+(?:-old)?$/.exec(name.slice(prefix.length)) : null;
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

/** What `writeSite` wrote. */
export interface WriteResult {
  readonly files: number;
  readonly bytes: number;
}

/**
 * Writes the site into `out`, atomically: every page goes to a temporary sibling folder, which is
 * renamed into place only when complete. A folder that is not absent, empty or the dashboard's own
 * is a usage error, and nothing is touched. A failure while writing leaves `out` as it was.
 */
export function writeSite(out: string, pages: Iterable<SitePage>, generatedAt: Date): WriteResult {
  const state = inspectOutFolder(out);
  if (state.kind === 'refused') {
    throw usageError(`--out ${out} ${state.reason}; nothing was written`, `prism dashboard writes only into a folder that is absent, empty, or one it wrote before (marked by ${MANIFEST_FILE}). Choose another --out.`);
  }
  const parent = path.dirname(out);
  fs.mkdirSync(parent, { recursive: true });
  removeLeftovers(out);
  const tmp = path.join(parent, `${tempPrefix(out)}${process.pid}-${randomBytes(6).toString('hex')}`);
  fs.mkdirSync(tmp);
  const files: string[] = [];
  let bytes = 0;
  try {
    const made = new Set<string>();
    for (const page of pages) {
      if (path.isAbsolute(page.path) || page.path.split('/').some((s) => s === '..' || s === '') || page.path === MANIFEST_FILE) throw new Error(`unsafe page path ${JSON.stringify(page.path)}`);
      const dir = path.dirname(page.path);
      if (dir !== '.' && !made.has(dir)) {
        fs.mkdirSync(path.join(tmp, dir), { recursive: true });
        made.add(dir);
      }
      fs.writeFileSync(path.join(tmp, page.path), page.content);
      files.push(page.path);
      bytes += Buffer.byteLength(page.content);
    }
    const manifest: Manifest = { tool: MANIFEST_TOOL, version: 1, generatedAt: generatedAt.toISOString(), files: files.sort() };
    fs.writeFileSync(path.join(tmp, MANIFEST_FILE), JSON.stringify(manifest, null, 1) + '\n');

    // swap into place
    if (state.kind === 'ours') {
      const old = `${tmp}-old`;
      fs.renameSync(out, old);
      try {
        fs.renameSync(tmp, out);
      } catch (err) {
        fs.renameSync(old, out);
        throw err;
      }
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      if (state.kind === 'empty') fs.rmdirSync(out);
      fs.renameSync(tmp, out);
    }
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return { files: files.length + 1, bytes };
}
