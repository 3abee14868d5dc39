import * as fs from 'node:fs';
import * as path from 'node:path';
import { usageError } from '../core/errors';
import { checkDiscoveryResults, DiscoveryResults } from '../model/discovery';

/** Reads and checks a discovery results file; a malformed file is a usage error naming the problem. */
export function readDiscoveryFile(file: string): DiscoveryResults {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw usageError(`cannot read discovery results ${file}: ${(err as Error).message}`);
  }
  const problem = checkDiscoveryResults(value);
  if (problem) throw usageError(`discovery results ${file} are malformed: ${problem}`, 'Regenerate the file with prism discover; its format is in the README.');
  return value as DiscoveryResults;
}

/** The default discovery results file, relative to the repository root. */
export const DEFAULT_DISCOVERY_FILE = path.join('.prism', 'discovery.json');

/**
 * The discovery results a command should use: `flag` when given (a usage error if that file does
 * not exist), else `<dir>/.prism/discovery.json` when present, else none.
 */
export function loadDiscoveryResults(dir: string, flag?: string): DiscoveryResults | undefined {
  const file = flag ? path.resolve(flag) : path.join(dir, DEFAULT_DISCOVERY_FILE);
  if (flag && !fs.existsSync(file)) throw usageError(`--discovery ${flag} does not exist`);
  return fs.existsSync(file) ? readDiscoveryFile(file) : undefined;
}

/** Writes discovery results atomically (temporary file, then rename). */
export function writeDiscoveryFile(file: string, results: DiscoveryResults): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(results, null, 2) + '\n');
  fs.renameSync(tmp, file);
}
