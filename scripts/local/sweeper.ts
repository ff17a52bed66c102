/**
 * The scheduled jobs of `npm start -- --lambda`: what EventBridge runs in AWS (lib/jobs/), run here on a timer in this
 * process, against the same DynamoDB Local as the API, since the Lambda model serves routes only (`serverless
 * offline`, plain `npm start`, runs the jobs on their schedules itself). The expiry sweep runs every 15 s, so a hold's
 * funds are released within about 15 s of its expiry, as the deployed job's 20 s sweeps release them.
 */
const sweepEveryMs = 15_000;

/** Sweeps expired holds every `sweepEveryMs` until `shutdown`; a sweep that fails is reported and tried at the next tick. */
export async function startSweeper(shutdown: AbortSignal): Promise<void> {
  // Imported here, after DYNAMODB_ENDPOINT and TABLE_NAME are set: the storage client reads its configuration on load.
  const { expireHolds } = await import('../../lib/ledger/hold-expiry');
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    expireHolds()
      .then(({ expired }) => {
        if (expired > 0) console.log(`Released the funds of ${expired} expired hold${expired === 1 ? '' : 's'}.`);
      })
      .catch((error: unknown) => console.error(`The expiry sweep failed (it runs again in ${sweepEveryMs / 1000} s): ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        running = false;
      });
  }, sweepEveryMs);
  shutdown.addEventListener('abort', () => clearInterval(timer), { once: true });
}
