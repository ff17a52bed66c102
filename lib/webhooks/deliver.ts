import { logError, logInfo } from '../http/log';
import { readOnce } from '../read-once';
import { cancelDelivery, claimDelivery, queryDueDeliveries, recordAttempt } from '../storage/webhook-deliveries';
import { findEndpoint } from '../storage/webhooks';
import { duePartitions } from '../storage/keys';
import type { AttemptRecord, DeliveryRecord } from './model';
import { nextAttemptMs } from './schedule';
import { deliveryTimeoutMs, sendWebhook } from './send';
import { signatureHeaders } from './signing';
import { stagePolicy, type UrlPolicy } from './url-policy';

/*
 * The delivery job's work: every pending delivery whose next attempt is due is claimed, sent, and recorded with its
 * new schedule. Each delivery is its own item with its own schedule, and up to `concurrencyMax` are in flight at once,
 * so one endpoint that fails or hangs holds one slot for at most the 5 s a receiver is given, and delays no other.
 */

/** Deliveries read at once from each partition of the due list. */
const pageSize = 25;
/** Pages one pass reads from each partition: a backlog larger than this is left for the next pass. */
const pagesMax = 8;
/** Attempts in flight at once. */
export const concurrencyMax = 16;
/** How long a claimed attempt keeps its delivery out of others' hands: well past the send and its record. */
const leaseMs = deliveryTimeoutMs + 55_000;

/** What one pass did. */
export interface DeliveryPassResult {
  delivered: number;
  retrying: number;
  failed: number;
  /** Claimed by another run, or whose endpoint was deleted. */
  skipped: number;
}

/** Runs `work` on every item, at most `limit` at once. */
async function eachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/** Reads an endpoint: `findEndpoint`, or a pass's memo of it. */
type EndpointOf = typeof findEndpoint;

/**
 * Reads each endpoint once for a pass, however many of its deliveries are due: an endpoint deleted while the pass
 * runs may still get the attempts the pass started with, as it may get an attempt already in flight.
 */
function endpointsOnce(): EndpointOf {
  // A read that failed is not kept: the pass's next delivery of the endpoint reads it again.
  return readOnce(findEndpoint);
}

/** Attempts one due delivery; answers what came of it. */
export async function attemptDelivery(
  delivery: DeliveryRecord, nowMs: number, policy: UrlPolicy = stagePolicy, endpointOf: EndpointOf = findEndpoint,
): Promise<keyof DeliveryPassResult> {
  const at = new Date(nowMs).toISOString();
  if (!(await claimDelivery(delivery, at, new Date(nowMs + leaseMs).toISOString()))) return 'skipped';
  const endpoint = await endpointOf(delivery.endpointId);
  if (!endpoint) {
    await cancelDelivery(delivery);
    return 'skipped';
  }
  // The signature's time is the wall clock's, whatever `nowMs` says: a receiver checks it against its own clock.
  const headers = signatureHeaders(endpoint.secret, delivery.eventId, Math.floor(Date.now() / 1000), delivery.body);
  const sent = await sendWebhook(endpoint.url, headers, delivery.body, policy);
  const attempt = delivery.attempts + 1;
  const retryAtMs = sent.error === null ? null : nextAttemptMs(attempt, Date.parse(delivery.firstAttemptAt ?? at), nowMs);
  const outcome: AttemptRecord['outcome'] = sent.error === null ? 'delivered' : retryAtMs === null ? 'failed' : 'retrying';
  const recorded = await recordAttempt(delivery, {
    deliveryId: delivery.id,
    endpointId: delivery.endpointId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    attempt,
    attemptedAt: at,
    statusCode: sent.statusCode,
    outcome,
    error: sent.error,
    durationMs: sent.durationMs,
    nextAttemptAt: retryAtMs === null ? null : new Date(retryAtMs).toISOString(),
  });
  return recorded ? outcome : 'skipped';
}

/** Attempts every delivery due at `nowMs` (now by default), each partition of the due list read page by page. */
export async function deliverDue(nowMs = Date.now(), policy: UrlPolicy = stagePolicy): Promise<DeliveryPassResult> {
  const at = new Date(nowMs).toISOString();
  const result: DeliveryPassResult = { delivered: 0, retrying: 0, failed: 0, skipped: 0 };
  const endpointOf = endpointsOnce();
  await Promise.all(Array.from({ length: duePartitions }, async (_, partition) => {
    for (let page = 0; page < pagesMax; page += 1) {
      const due = await queryDueDeliveries(partition, at, pageSize);
      let claimed = 0;
      await eachBounded(due, Math.ceil(concurrencyMax / duePartitions), async (delivery) => {
        const outcome = await attemptDelivery(delivery, nowMs, policy, endpointOf).catch((error: unknown) => {
          // A storage failure leaves the delivery claimed: it is due again when its lease passes. Others go on.
          logError('webhook delivery not recorded', error, { deliveryId: delivery.id });
          return 'skipped' as const;
        });
        result[outcome] += 1;
        if (outcome !== 'skipped') claimed += 1;
      });
      // A page that was all claimed elsewhere would be read again as it is: the list lags its items.
      if (due.length < pageSize || claimed === 0) break;
    }
  }));
  if (result.delivered + result.retrying + result.failed > 0) logInfo('webhook deliveries attempted', { ...result });
  return result;
}
