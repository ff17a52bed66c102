/**
 * The scheduled jobs of `npm start`, and the outbox's dispatcher: what EventBridge and DynamoDB Streams run in AWS
 * (lib/jobs/), run here on timers in this process, against the same DynamoDB Local as the API. Every second the new
 * events of the outbox are handed to the webhooks and due deliveries are attempted, so a loopback receiver gets an
 * event's first delivery within a second or two of its commit. The expiry sweep runs every 15 s in the Lambda model
 * (`npm start -- --lambda`, which serves routes only); `serverless offline` runs the expireHolds schedule itself.
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

/** An event is minted before its write commits (within a function's 10 s): the dispatcher reads back this far. */
const dispatchOverlapMs = 15_000;

/**
 * Dispatches the outbox and delivers due webhooks every second, and, with `sweepHolds`, sweeps expired holds every
 * 15 s, until `shutdown`.
 */
export async function startSweeper(shutdown: AbortSignal, { sweepHolds }: { sweepHolds: boolean }): Promise<void> {
  // Imported here, after DYNAMODB_ENDPOINT and TABLE_NAME are set: the storage client reads its configuration on load.
  const { expireHolds } = await import('../../lib/ledger/hold-expiry');
  const { deliverDue } = await import('../../lib/webhooks/deliver');
  const { dispatchSince } = await import('../../lib/events/dispatch');
  if (sweepHolds) {
    every(sweepEveryMs, 'The expiry sweep', async () => {
      const { expired } = await expireHolds();
      return expired > 0 ? `Released the funds of ${expired} expired hold${expired === 1 ? '' : 's'}.` : undefined;
    }, shutdown);
  }
  // The latest event handed over (its time), and each pass reads from a little before it.
  let latest = new Date().toISOString();
  every(deliverEveryMs, 'The webhook delivery', async () => {
    const { last } = await dispatchSince(new Date(Date.parse(latest) - dispatchOverlapMs).toISOString());
    if (last.slice(0, 24) > latest) latest = last.slice(0, 24);
    const { delivered, retrying, failed } = await deliverDue();
    return delivered + retrying + failed > 0 ? `Webhooks: ${delivered} delivered, ${retrying} to retry, ${failed} failed.` : undefined;
  }, shutdown);
}
