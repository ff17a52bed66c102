import { logInfo } from '../../lib/http/log';
import { job, passBudgetMs, passIntervalMs } from '../../lib/jobs/deliver-webhooks';
import { repeatPasses, type RunContext } from '../../lib/jobs/repeat';
import { deliverDue } from '../../lib/webhooks/deliver';

/**
 * The handler of the job lib/jobs/deliver-webhooks.ts declares: a pass over the due deliveries, then another every
 * `passIntervalMs` while the run has time for a whole one, each within the time the run has left.
 */
export async function handler(_event: unknown, context: RunContext) {
  const passes = await repeatPasses(context, { spacing: { startsEveryMs: passIntervalMs }, passNeedsMs: passBudgetMs, passBudgetMs }, () => deliverDue());
  const total = { delivered: 0, retrying: 0, failed: 0, skipped: 0 };
  for (const pass of passes) for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += pass[key];
  logInfo('webhooks delivered', { job: job.name, ...total });
  return total;
}
