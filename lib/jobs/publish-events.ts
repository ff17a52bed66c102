import type { Job } from './job';

/*
 * The outbox's publisher (lib/events/publish.ts), on the table's stream: every event item inserted (`EVENT#<id>`,
 * written in the same TransactWriteItems as its change) goes to the stage's EventBridge bus and to the webhooks.
 * Lambda delivers the stream at least once, in order per item; the publisher is idempotent (a delivery's id derives
 * from its event and endpoint, and the bus entry's `detail.id` is the event's), so a retried batch repeats nothing a
 * webhook receiver would see twice under different ids.
 */
export const job = {
  name: 'publishEvents',
  handler: 'functions/jobs/publish-events.handler',
  summary: 'Publish every committed event to the EventBridge bus and the webhooks',
  timeoutSeconds: 60,
  stream: {
    // Inserts of event items only: their copies in the lists (`EVENTS#…`), balances, entries and TTL deletes are not.
    filter: { eventName: ['INSERT'], dynamodb: { Keys: { pk: { S: [{ prefix: 'EVENT#' }] } } } },
    batchSize: 100,
    // A batch that fails is retried until its oldest record is an hour old (then the failure queue says which span
    // to republish: README, "Events"); an outage shorter than that only delays events.
    retryAttemptsMax: 10_000,
    recordAgeSecondsMax: 3_600,
  },
  // The webhook routes of each owner an event touches, and the admins', are Queries of the table; each delivery is
  // a conditional PutItem.
  access: { table: ['Query', 'PutItem'], putsEvents: true },
} satisfies Job;
