import { eventFeedKeys, queryFeedSpan } from '../storage/events';
import type { EventBus } from '../storage/event-bus';
import { publishEvents } from './publish';

/*
 * Publishes a span of events again, from the feed the table keeps for 30 days: what an operator runs for a batch the
 * stream's publisher gave up on (its failure queue's message names the span's arrival times), or to replay a span to
 * the bus. Every event is published at least once more; a webhook already enqueued is not enqueued again, and the bus's
 * consumers deduplicate on `detail.id`.
 */

/** Events read per partition and round. */
const pageSize = 100;

/** What a republish came to: how many events it published. */
export interface Republished {
  published: number;
}

/**
 * Publishes every event created from `fromIso` to `toIso` (inclusive, to the millisecond) to `bus` (the stage's, or
 * none) and the webhooks, partition by partition in order; throws at the first that could not be published, naming it.
 */
export async function republishSpan(fromIso: string, toIso: string, bus: EventBus | undefined): Promise<Republished> {
  let published = 0;
  // Sort keys are `<createdAt>#<id>`: from just below the first millisecond to just above the last.
  const until = `${toIso}#~`;
  for (const pk of eventFeedKeys()) {
    for (let after = fromIso; ;) {
      const page = await queryFeedSpan(pk, after, until, pageSize);
      const result = await publishEvents(page.map(({ sk, event }) => ({ sequence: sk, event })), bus);
      published += result.published;
      if (result.failedSequence) throw new Error(`Republishing stopped at the event ${result.failedSequence}; run it again from there.`);
      if (page.length < pageSize) break;
      after = page.at(-1)!.sk;
    }
  }
  return { published };
}
