import * as fs from 'node:fs';
import * as path from 'node:path';
import { SitePage } from './render';

/** What `writePages` wrote. */
export interface WriteResult {
  readonly files: number;
  readonly bytes: number;
}

/**
 * Writes the site's pages, one at a time as they are rendered, into `dir` (a fresh folder that the
 * caller swaps into place). A page path that would leave the folder is refused.
 */
export function writePages(dir: string, pages: Iterable<SitePage>): WriteResult {
  let files = 0;
  let bytes = 0;
  const made = new Set<string>();
  for (const page of pages) {
    if (path.isAbsolute(page.path) || page.path.split('/').some((s) => s === '..' || s === '' || s === '.')) throw new Error(`unsafe page path ${JSON.stringify(page.path)}`);
    const sub = path.dirname(page.path);
    if (sub !== '.' && !made.has(sub)) {
      fs.mkdirSync(path.join(dir, sub), { recursive: true });
      made.add(sub);
    }
    fs.writeFileSync(path.join(dir, page.path), page.content);
    files++;
    bytes += Buffer.byteLength(page.content);
  }
  return { files, bytes };
}
