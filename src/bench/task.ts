/**
 * One benchmark measurement, run in a fresh process so that its time and peak memory are its own.
 * Prints {"ms": <wall time of the work>, "maxRssMb": <peak resident memory>}.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

type Task = (dir: string, arg?: string) => unknown;

const tasks: Record<string, Task> = {
  /** Baseline: read every user file and parse it with JSON.parse / YAML.parse, nothing else. */
  'read-parse': (dir) => {
    const YAML = require('yaml') as typeof import('yaml');
    let n = 0;
    for (const sub of ['policies', 'permission-sets', 'assignments']) {
      for (const name of fs.readdirSync(path.join(dir, sub))) {
        const text = fs.readFileSync(path.join(dir, sub, name), 'utf8');
        n += name.endsWith('.json') ? Object.keys(JSON.parse(text)).length : Object.keys(YAML.parse(text) ?? {}).length;
      }
    }
    return n;
  },
  validate: (dir) => {
    const { loadAndValidate } = require('../validate/load-and-validate') as typeof import('../validate/load-and-validate');
    const { diagnostics } = loadAndValidate(dir);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new Error(`benchmark repository has ${errors.length} errors, e.g. ${errors[0].message}`);
    return diagnostics.length;
  },
};

export function registerTask(name: string, task: Task): void {
  tasks[name] = task;
}

async function main(): Promise<void> {
  const [name, dir, arg] = process.argv.slice(2);
  const task = tasks[name];
  if (!task) throw new Error(`unknown benchmark task ${name}`);
  const start = process.hrtime.bigint();
  await task(dir, arg);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ms, maxRssMb }) + '\n');
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(String(err?.stack ?? err) + '\n');
    process.exit(1);
  });
}
