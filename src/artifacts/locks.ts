/** Process liveness and lock files, for leftovers and locks whose owner may have been killed. */
import * as fs from 'node:fs';
import { externalError } from '../core/errors';

/** Whether a process is running. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes an exclusive lock file holding our pid, waiting while a live process holds it; a dead
 * holder's lock is taken over. Resolves with the function that releases it.
 */
export async function acquireLockFile(file: string, what: string, timeoutMs = 15 * 60_000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(fs.readFileSync(file, { encoding: 'utf8', flag: 'a+' }));
    if (!isProcessAlive(holder)) {
      fs.rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw externalError(`${what} ${file} is still held by process ${holder}; remove the file if that process is gone`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
