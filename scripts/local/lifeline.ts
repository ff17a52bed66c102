import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const procAvailable = existsSync('/proc/self/stat');
const checkIntervalMs = 1000;

/**
 * The parent process id of `pid`, or `undefined` when the process is gone or cannot be read. Linux answers from
 * /proc without spawning anything; elsewhere (macOS) `ps` answers.
 */
export function parentOf(pid: number): number | undefined {
  if (procAvailable) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses, so the fields are counted from its closing one:
      // state comes first, then the parent id.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return Number.isInteger(ppid) ? ppid : undefined;
    } catch {
      return undefined;
    }
  }
  const ps = spawnSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' });
  const ppid = Number(ps.stdout?.trim());
  return ps.status === 0 && Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}

/**
 * Calls `onGone` once when the processes that launched this one go away without telling it. npm forwards Ctrl-C and
 * SIGTERM to the script it runs, but a launcher that is itself killed with SIGKILL (a CI runner timing a job out, a
 * closed terminal whose hangup never reaches us) passes nothing on, and this process and its DynamoDB Local and API
 * would run on as orphans. Watching the parent and the grandparent catches that: when either dies, the chain above
 * us changes. Returns a function that stops watching.
 */
export function watchLauncher(onGone: () => void): () => void {
  const parent = parentOf(process.pid);
  const grandparent = parent === undefined ? undefined : parentOf(parent);
  // Under init (pid 1) or a reaper there is nothing above worth watching.
  if (parent === undefined || parent <= 1) return () => undefined;
  const timer = setInterval(() => {
    const parentNow = parentOf(process.pid);
    const grandparentNow = parentOf(parent);
    const changed = parentNow !== parent || (grandparent !== undefined && grandparent > 1 && grandparentNow !== grandparent);
    if (changed) {
      clearInterval(timer);
      onGone();
    }
  }, checkIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
