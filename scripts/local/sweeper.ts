import { stageForTable } from './offline';
import { startStreamSource } from './stream-source';

/**
 * The functions of `npm start` that answer no request, run here as AWS runs them, against the same DynamoDB Local as
 * the API: the outbox's publisher on the table's stream (./stream-source.ts does what Lambda's event source mapping
 * does), and the webhook deliveries every second and after each batch the publisher handles, so a loopback
 * receiver gets an event's first delivery soon after its commit. The expiry sweep runs every 15 s in the Lambda model
 * (`npm start -- --lambda`, which serves routes only); `serverless offline` runs the expireHolds schedule itself, and
 * leaves deliverWebhooks' off (lib/jobs/job.ts, `localRunner`): the passes here are the only local ones.
 */
const sweepEveryMs = 15_000;
const deliverEveryMs = 1_000;

/**
 * Runs `work` every `everyMs` until `shutdown`, never two at once; a run that fails is reported and tried next tick.
 * Answers a function that runs it now as well (or right after the run in progress).
 */
function every(everyMs: number, what: string, work: () => Promise<string | undefined>, shutdown: AbortSignal): () => void {
  let running = false;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    work()
      .then((line) => {
        if (line) console.log(line);
      })
      .catch((error: unknown) => console.error(`${what} failed (it runs again in ${everyMs / 1000} s): ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        running = false;
        if (again && !shutdown.aborted) {
          again = false;
          run();
        }
      });
  };
  const timer = setInterval(run, everyMs);
  shutdown.addEventListener('abort', () => clearInterval(timer), { once: true });
  return run;
}

/**
 * Publishes the outbox from the table's stream, delivers due webhooks every second, and, with `sweepHolds`, sweeps
 * expired holds every 15 s, until `shutdown`.
 */
export async function startSweeper(shutdown: AbortSignal, { sweepHolds }: { sweepHolds: boolean }): Promise<void> {
  // Imported here, after DYNAMODB_ENDPOINT and TABLE_NAME are set: the storage client reads its configuration on load.
  const { expireHolds } = await import('../../lib/ledger/hold-expiry');
  const { deliverDue } = await import('../../lib/webhooks/deliver');
  const { job } = await import('../../lib/jobs/publish-events');
  const { handler } = await import('../../functions/jobs/publish-events');
  if (sweepHolds) {
    every(sweepEveryMs, 'The expiry sweep', async () => {
      const { expired } = await expireHolds();
      return expired > 0 ? `Released the funds of ${expired} expired hold${expired === 1 ? '' : 's'}.` : undefined;
    }, shutdown);
  }
  const deliverNow = every(deliverEveryMs, 'The webhook delivery', async () => {
    const { delivered, retrying, failed } = await deliverDue();
    return delivered + retrying + failed > 0 ? `Webhooks: ${delivered} delivered, ${retrying} to retry, ${failed} failed.` : undefined;
  }, shutdown);
  const tableName = process.env.TABLE_NAME!;
  await startStreamSource({
    endpoint: process.env.DYNAMODB_ENDPOINT!,
    tableName,
    functionName: `serverless-payments-${stageForTable(tableName)}-${job.name}`,
    job,
    handler,
    onGivenUp: ({ firstSequence }) => console.error(`The publisher gave up on stream record ${firstSequence}: republish its span (README, "Events").`),
    // The deliveries a batch enqueued are due at once: a pass starts now rather than at the next tick.
    onPublished: deliverNow,
    shutdown,
  });
}
