import { logInfo } from '../../lib/http/log';
import { expireHolds } from '../../lib/ledger/hold-expiry';
import { job, sweepIntervalMs, sweepsPerRun } from '../../lib/jobs/expire-holds';
import { repeatPasses, type RunContext } from '../../lib/jobs/repeat';

/** The time a sweep is given to start another: it reads and writes a few items per expired hold. */
const sweepNeedsMs = 8_000;

/**
 * The handler of the job lib/jobs/expire-holds.ts declares: sweeps, then sweeps again every `sweepIntervalMs` while
 * the run has time for another sweep (up to `sweepsPerRun`), each within the time the run has left.
 */
export async function handler(_event: unknown, context: RunContext): Promise<{ expired: number }> {
  const sweeps = await repeatPasses(context, { passesMax: sweepsPerRun, spacing: { pauseMs: sweepIntervalMs }, passNeedsMs: sweepNeedsMs }, async () => {
    const result = await expireHolds();
    logInfo('holds swept', { job: job.name, ...result });
    return result;
  });
  return { expired: sweeps.reduce((sum, { expired }) => sum + expired, 0) };
}
