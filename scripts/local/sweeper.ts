/**
 * The scheduled jobs of `npm start`: what EventBridge runs in AWS (lib/jobs/), run here on timers in this process,
 * against the same DynamoDB Local as the API. The expiry sweep runs every 15 s, so a hold's funds are released within
 * about 15 s of its expiry, as the deployed job's 20 s sweeps release them. The webhook deliveries are attempted every
 * second, so a loopback receiver gets an event's first delivery within a second or two of its enqueue.
 */
const sweepEveryMs = 15_000;
const deliverEveryMs = 1_000;

/** Runs `work` every `everyMs` until `shutdown`, never two at once; a run that fails is reported and tried next tick. */
function every(everyMs: number, what: string, work: () => Promise<string | undefined>, shutdown: AbortSignal): void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    work()
      .then((line) => {
        if (line) console.log(line);
      })
      .catch((error: unknown) => console.error(`${what} failed (it runs again in ${everyMs / 1000} s): ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  shutdown.addEventListener('abort', () => clearInterval(timer), { once: true });
}

/** Sweeps expired holds and delivers due webhooks, each on its timer, until `shutdown`. */
export async function startSweeper(shutdown: AbortSignal): Promise<void> {
  // Imported here, after DYNAMODB_ENDPOINT and TABLE_NAME are set: the storage client reads its configuration on load.
  const { expireHolds } = await import('../../lib/ledger/hold-expiry');
  const { deliverDue } = await import('../../lib/webhooks/deliver');
  every(sweepEveryMs, 'The expiry sweep', async () => {
    const { expired } = await expireHolds();
    return expired > 0 ? `Released the funds of ${expired} expired hold${expired === 1 ? '' : 's'}.` : undefined;
  }, shutdown);
  every(deliverEveryMs, 'The webhook delivery', async () => {
    const { delivered, retrying, failed } = await deliverDue();
    return delivered + retrying + failed > 0 ? `Webhooks: ${delivered} delivered, ${retrying} to retry, ${failed} failed.` : undefined;
  }, shutdown);
}
