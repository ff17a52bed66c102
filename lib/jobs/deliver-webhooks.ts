import type { Job } from './job';

/*
 * The webhook delivery job (lib/webhooks/deliver.ts), every minute. Each run makes a pass over the due deliveries
 * every `passIntervalMs` while it has time for another, so a delivery the publisher has just enqueued is attempted
 * within about a second, and a retry within a second of its time, without a schedule finer than EventBridge's minute.
 * A pass that finds nothing due costs a Query of each due partition: four reads a second.
 */
export const job = {
  name: 'deliverWebhooks',
  handler: 'functions/jobs/deliver-webhooks.handler',
  summary: 'Deliver due webhook attempts, and schedule their retries',
  schedule: 'rate(1 minute)',
  // Locally a pass also starts after each batch the publisher hands over, which only the sweeper can do.
  localRunner: 'sweeper',
  timeoutSeconds: 58,
  // The due list is a Query of gsi1; each attempt claims its delivery (UpdateItem), reads its endpoint (GetItem, once
  // per pass), then writes one TransactWriteItems: a Put (the attempt) and an Update (the delivery).
  access: { table: ['GetItem', 'PutItem', 'UpdateItem'], index: ['Query'] },
} satisfies Job;

/** The time between the starts of two passes of one run. */
export const passIntervalMs = 1_000;
/** What a pass is given: a receiver's 5 s, the writes around it, and room for a second page. */
export const passBudgetMs = 15_000;
