/**
 * Runs a command and measures its wall time and the peak resident memory of its whole process tree
 * (the command and every process it starts: terraform and each provider plugin), sampled from Linux
 * /proc every 50 ms. Sampling can miss a peak shorter than that; the figure is a lower bound.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

/** A measured run. */
export interface TreeRun {
  readonly ms: number;
  readonly peakMb: number;
  readonly code: number | null;
  readonly stderr: string;
}

function treeRssKb(root: number): number {
  const parent = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(fields[1]));
      const status = fs.readFileSync(`/proc/${name}/status`, 'utf8');
      rss.set(Number(name), Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  for (const [pid, kb] of rss) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        total += kb;
        break;
      }
    }
  }
  return total;
}

/** Runs `command args` in `cwd` with `env`; resolves with its time, peak tree memory, exit code and stderr. */
export function runMeasured(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<TreeRun> {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let peakKb = 0;
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setInterval(() => (peakKb = Math.max(peakKb, treeRssKb(child.pid!))), 50);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, peakMb: peakKb / 1024, code, stderr });
    });
  });
}
