import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { assert } from '../errors';
import { awsClientOptions, withCallLog } from './aws-client';

/*
 * The stage's EventBridge bus (`payments-<stage>`), where the publisher puts every event: one entry per event, its
 * `detail` the event as an admin reads it, so a rule can match on `detail-type` (the event's type) and a consumer
 * deduplicates on `detail.id`.
 */

/** What EventBridge takes in one `PutEvents`: 10 entries, 256 KiB in all (counted as ./entrySizeBytes does). */
const entriesPerPutMax = 10;
const putSizeBytesMax = 256 * 1024;

/** The `source` of every entry. */
export const eventSource = 'serverless-payments';

/**
 * An entry to put: the event's type and time, and its rendered JSON (which carries the event's id, `detail.id`, that
 * consumers deduplicate on).
 */
export interface BusEntry {
  type: string;
  createdAt: string;
  detail: string;
}

/** A bus to put entries on: the stage's, or another (a test's stand-in). */
export interface EventBus {
  name: string;
  client: EventBridgeClient;
}

/**
 * Builds a client for EventBridge at `endpoint` (AWS's regional one when unset). Its HTTP handler is a plain one, not
 * the DynamoDB client's deadline-bound handler (./client.ts): the publisher's bus calls are not cut off by its pass's
 * deadline, only bounded by the SDK's timeouts and attempts, which end well inside the job's Lambda timeout; a put
 * that fails leaves its events to the stream's retry.
 */
export function createEventBus(name: string, endpoint = process.env.EVENTBRIDGE_ENDPOINT || undefined): EventBus {
  return { name, client: withCallLog(new EventBridgeClient(awsClientOptions(endpoint))) };
}

/**
 * The stage's bus (the deploy sets `EVENT_BUS_NAME` on the publisher alone), created once at cold start, or
 * `undefined` where there is none: `npm start` hands its events to the webhooks only. `EVENTBRIDGE_ENDPOINT` points it
 * at LocalStack or a test's stand-in.
 */
export const stageBus = process.env.EVENT_BUS_NAME ? createEventBus(process.env.EVENT_BUS_NAME) : undefined;

/** An entry's size as EventBridge counts it: its time (14 bytes), source, detail type and detail, in UTF-8. */
function entrySizeBytes(entry: PutEventsRequestEntry): number {
  return 14 + [entry.Source, entry.DetailType, entry.Detail].reduce((sum, text) => sum + Buffer.byteLength(text ?? ''), 0);
}

/** The requests that carry `entries` in order, each within EventBridge's limits. */
function putRequests(entries: PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  const requests: PutEventsRequestEntry[][] = [];
  let sizeBytes = 0;
  for (const entry of entries) {
    const size = entrySizeBytes(entry);
    // A request body is at most 64 KiB, so no event rendered from one comes near this.
    assert(size <= putSizeBytesMax, 'an event fits in one EventBridge entry');
    const last = requests.at(-1);
    if (!last || last.length === entriesPerPutMax || sizeBytes + size > putSizeBytesMax) {
      requests.push([entry]);
      sizeBytes = size;
    } else {
      last.push(entry);
      sizeBytes += size;
    }
  }
  return requests;
}

/**
 * Puts `entries` on `bus`, in as few requests as its limits allow, all at once, and answers how many of them, from
 * the first, were accepted before the first that was not (EventBridge may refuse single entries of a request,
 * throttled or failing inside, or a whole request). Entries after a refused one may have been put too: the caller
 * puts them again, and consumers deduplicate.
 */
export async function putOnBus(bus: EventBus, entries: readonly BusEntry[]): Promise<number> {
  const requests = putRequests(entries.map((entry) => ({
    EventBusName: bus.name, Source: eventSource, DetailType: entry.type, Detail: entry.detail, Time: new Date(entry.createdAt),
  })));
  const results = await Promise.allSettled(requests.map((request) => bus.client.send(new PutEventsCommand({ Entries: request }))));
  let accepted = 0;
  for (const [index, result] of results.entries()) {
    if (result.status === 'rejected') return accepted;
    const refused = (result.value.Entries ?? []).findIndex((entry) => entry.ErrorCode !== undefined || !entry.EventId);
    if ((result.value.FailedEntryCount ?? 0) > 0 || refused >= 0) return accepted + Math.max(0, refused);
    accepted += requests[index]!.length;
  }
  return accepted;
}
