import type { Job } from './job';

/**
 * The expiry sweep of holds (lib/ledger/hold-expiry.ts), every minute. Each run sweeps three times, 20 s apart, so a
 * hold's funds are released within about 20 s of its expiry, well inside the minute the contract allows, without a
 * schedule finer than EventBridge's minute.
 */
export const job = {
  name: 'expireHolds',
  handler: 'functions/jobs/expire-holds.handler',
  summary: 'Release the funds of expired holds',
  schedule: 'rate(1 minute)',
  timeoutSeconds: 58,
  // The expiry list is a Query of gsi1; each release reads the source's shard 0 with BatchGetItem and writes one
  // TransactWriteItems of Updates (the shard, the hold, its copies).
  access: { table: ['BatchGetItem', 'UpdateItem', 'PutItem'], index: ['Query'] },
} satisfies Job;

/** Sweeps a run makes, and the time between them. */
export const sweepsPerRun = 3;
export const sweepIntervalMs = 20_000;
