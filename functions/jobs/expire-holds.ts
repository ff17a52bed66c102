import type { Context } from 'aws-lambda';
import { logInfo } from '../../lib/http/log';
import { expireHolds } from '../../lib/ledger/hold-expiry';
import { withDeadline } from '../../lib/request-context';
import { job, sweepIntervalMs, sweepsPerRun } from '../../lib/jobs/expire-holds';

/**
 * The handler of the job lib/jobs/expire-holds.ts declares: sweeps, then sweeps again every `sweepIntervalMs` while
 * the run has time for another sweep (up to `sweepsPerRun`), each within the time the run has left.
 */
export async function handler(_event: unknown, context: Pick<Context, 'functionName' | 'getRemainingTimeInMillis'>): Promise<{ expired: number }> {
  let expired = 0;
  for (let sweep = 0; sweep < sweepsPerRun; sweep += 1) {
    if (sweep > 0) {
      if (context.getRemainingTimeInMillis() < sweepIntervalMs + 10_000) break;
      await new Promise((resolve) => setTimeout(resolve, sweepIntervalMs));
    }
    const result = await withDeadline(context.getRemainingTimeInMillis() - 2_000, () => expireHolds(), context.functionName);
    expired += result.expired;
    logInfo('holds swept', { job: job.name, ...result });
  }
  return { expired };
}
