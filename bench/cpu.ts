import { existsSync, readFileSync } from 'node:fs';

/** CPU time (ms) used so far by each watched process, by name. */
export type CpuSample = Record<string, number>;

/** Linux counts process CPU time in clock ticks of 1/100 s (USER_HZ, the same on every Linux architecture). */
const ticksPerSecond = 100;
const procAvailable = existsSync('/proc/self/stat');

/**
 * Reads the CPU time that each process has used: the bench itself from Node, the others (DynamoDB Local's JVM and
 * serverless offline, every thread of each) from /proc. Where there is no /proc (macOS) only the bench is measured;
 * the other names are left out rather than reported as zero.
 */
export function cpuSampler(pids: Record<string, number | undefined>): () => CpuSample {
  return () => {
    const usage = process.cpuUsage();
    const sample: CpuSample = { bench: (usage.user + usage.system) / 1000 };
    if (!procAvailable) return sample;
    for (const [name, pid] of Object.entries(pids)) {
      const ms = pid === undefined ? undefined : procCpuMs(pid);
      if (ms !== undefined) sample[name] = ms;
    }
    return sample;
  };
}

/** CPU ms per operation between two samples, for the names both hold. */
export function cpuPerOperation(before: CpuSample, after: CpuSample, operations: number): CpuSample {
  const perOperation: CpuSample = {};
  if (operations <= 0) return perOperation;
  for (const [name, endMs] of Object.entries(after)) {
    const startMs = before[name];
    if (startMs !== undefined) perOperation[name] = Math.round(((endMs - startMs) / operations) * 100) / 100;
  }
  return perOperation;
}

function procCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start with the state; utime and stime are the 12th and
    // 13th of those (fields 14 and 15 of the line).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}
