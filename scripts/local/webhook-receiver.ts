import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Webhook } from 'standardwebhooks';

/** A delivery as it arrived: its headers and body, kept whole so that its signature can be checked afterwards. */
interface Arrival {
  eventId: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** No delivery the bench or the soak provokes comes near this; a larger body is counted as a bad delivery. */
const bodyBytesMax = 64 * 1024;

/**
 * A loopback webhook receiver in the process of the bench (bench/webhook-latency.ts) or the soak's crash run
 * (scripts/soak/crash.ts), and what it has received.
 */
export interface WebhookReceiver {
  url: string;
  /** When (`performance.now()`) the first delivery of each transaction's `transaction.posted` event had arrived. */
  firstArrivalMs: Map<string, number>;
  /** The ids of the events each transaction's `transaction.posted` deliveries carried: one per transaction. */
  eventIdsOf: Map<string, Set<string>>;
  /** Deliveries of an event that had arrived before: delivery is at least once. */
  repeats: () => number;
  /** Deliveries that were not a readable event: too large, not JSON, or without an id. */
  unreadable: () => number;
  /**
   * Checks every delivery's Standard Webhooks signature with `secret`, and that its `webhook-id` is its event's id;
   * answers how many were checked and how many failed.
   */
  verify: (secret: string) => { checked: number; invalid: number };
  close: () => Promise<void>;
}

/**
 * Starts a receiver on 127.0.0.1 that answers every delivery 204 as soon as its body is in, and notes when the body
 * was in: that moment is the delivery's arrival. Work beyond the note (signatures) waits until the run is over, so
 * the receiver adds as little as it can to the latency it measures.
 */
export async function startReceiver(): Promise<WebhookReceiver> {
  const firstArrivalMs = new Map<string, number>();
  const eventIdsOf = new Map<string, Set<string>>();
  const seenEvents = new Set<string>();
  const arrivals: Arrival[] = [];
  let repeats = 0;
  let unreadable = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.byteLength;
      if (bytes <= bodyBytesMax) chunks.push(chunk);
    });
    request.on('end', () => {
      const arrivedMs = performance.now();
      response.writeHead(204).end();
      const body = Buffer.concat(chunks).toString('utf8');
      const event = bytes > bodyBytesMax ? undefined : readEvent(body);
      if (!event) {
        unreadable += 1;
        return;
      }
      arrivals.push({ eventId: event.id, headers: request.headers, body });
      if (seenEvents.has(event.id)) repeats += 1;
      seenEvents.add(event.id);
      if (event.type !== 'transaction.posted') return;
      if (!firstArrivalMs.has(event.subjectId)) firstArrivalMs.set(event.subjectId, arrivedMs);
      eventIdsOf.set(event.subjectId, (eventIdsOf.get(event.subjectId) ?? new Set()).add(event.id));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const verify = (secret: string): { checked: number; invalid: number } => {
    const webhook = new Webhook(secret);
    const invalid = arrivals.filter(({ eventId, headers, body }) => {
      try {
        webhook.verify(body, headers as Record<string, string>);
        return headers['webhook-id'] !== eventId;
      } catch {
        return true;
      }
    }).length;
    return { checked: arrivals.length, invalid };
  };
  const close = (): Promise<void> => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return { url: `http://127.0.0.1:${port}/webhooks`, firstArrivalMs, eventIdsOf, repeats: () => repeats, unreadable: () => unreadable, verify, close };
}

/** The event's id and type, and the id of the object it is about (`data.id`), or nothing for a body that is not one. */
function readEvent(body: string): { id: string; type: string; subjectId: string } | undefined {
  try {
    const event = JSON.parse(body) as { id?: unknown; type?: unknown; data?: { id?: unknown } };
    const { id, type } = event;
    const subjectId = event.data?.id;
    return typeof id === 'string' && typeof type === 'string' && typeof subjectId === 'string' ? { id, type, subjectId } : undefined;
  } catch {
    return undefined;
  }
}
