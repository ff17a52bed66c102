import { eventFeedKeys, queryFeedSince } from '../storage/events';
import { enqueueDeliveries } from '../webhooks/enqueue';

/*
 * The outbox's dispatcher for a local stage: reads the events that landed in the feed since a point and hands each to
 * the webhooks (`enqueueDeliveries`, which creates each delivery once, however often an event is handed to it). In
 * AWS, DynamoDB Streams are to carry the outbox's inserts to a publisher instead (issue 16's next step).
 */

/** Events read per partition and pass. */
const pageSize = 100;

/**
 * Hands every event of the feed with a sort key above `after` (`<createdAt>#<id>`) to the webhooks, and answers the
 * highest sort key it handed over (or `after`) and how many deliveries were created. An event is minted before its
 * write commits, so a caller reads again from a little before its last point: enqueueing twice creates nothing.
 */
export async function dispatchSince(after: string): Promise<{ last: string; deliveries: number }> {
  let last = after;
  let deliveries = 0;
  for (const pk of eventFeedKeys()) {
    for (let from = after; ;) {
      const page = await queryFeedSince(pk, from, pageSize);
      for (const { sk, event } of page) {
        deliveries += await enqueueDeliveries(event);
        if (sk > last) last = sk;
      }
      if (page.length < pageSize) break;
      from = page.at(-1)!.sk;
    }
  }
  return { last, deliveries };
}
