import type { Context } from 'aws-lambda';
import { logInfo } from '../../lib/http/log';
import { job, passBudgetMs, passIntervalMs } from '../../lib/jobs/deliver-webhooks';
import { withDeadline } from '../../lib/request-context';
import { deliverDue } from '../../lib/webhooks/deliver';

/**
 * The handler of the job lib/jobs/deliver-webhooks.ts declares: a pass over the due deliveries, then another every
 * `passIntervalMs` while the run has time for a whole one, each within the time the run has left.
 */
export async function handler(_event: unknown, context: Pick<Context, 'functionName' | 'getRemainingTimeInMillis'>) {
  const total = { delivered: 0, retrying: 0, failed: 0, skipped: 0 };
  for (;;) {
    const startedMs = Date.now();
    const result = await withDeadline(Math.min(passBudgetMs, context.getRemainingTimeInMillis() - 2_000), () => deliverDue(), context.functionName);
    for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += result[key];
    const waitMs = Math.max(0, passIntervalMs - (Date.now() - startedMs));
    if (context.getRemainingTimeInMillis() < waitMs + passBudgetMs + 2_000) break;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
  logInfo('webhooks delivered', { job: job.name, ...total });
  return total;
}
