import * as fs from 'node:fs';
import * as path from 'node:path';

/** The folder of an installed package, found from its main file (works when `exports` hides package.json). */
export function packageDir(pkg: string): string {
  let dir = path.dirname(require.resolve(pkg));
  while (!fs.existsSync(path.join(dir, 'package.json')) || JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name !== pkg) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find package.json of ${pkg}`);
    dir = up;
  }
  return dir;
}

/** The installed version of a package, or 'unknown'. */
export function packageVersion(pkg: string): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(packageDir(pkg), 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}
