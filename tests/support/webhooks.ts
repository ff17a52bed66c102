import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventRecord, EventType } from '../../lib/events/model';

/** One request a receiver got. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  atMs: number;
}

/** What a receiver answers its n-th request (0-based): a status, or `hang` (never answer). */
export type Behaviour = (n: number) => number | 'hang';

/**
 * A real webhook receiver on loopback, in the test process: it records every request and answers as `behaviour`
 * says. `close` ends it, hung requests included.
 */
export async function startReceiver(behaviour: Behaviour = () => 200) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = behaviour(received.length);
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), atMs: Date.now() });
      if (answer !== 'hang') response.writeHead(answer).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks?source=payments`,
    received,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** An event as the outbox would store it: an account of `ownerId` opened (or of `type`). */
export function accountEvent(ownerId: string, type: EventType = 'account.created'): EventRecord {
  const accountId = randomUUID();
  const at = new Date().toISOString();
  return {
    id: randomUUID(),
    type,
    createdAt: at,
    subject: {
      kind: 'account',
      account: {
        id: accountId, ownerId, type: 'user', currency: 'EUR', name: 'Wallet', status: 'active', metadata: {}, shards: 1,
        createdAt: at, updatedAt: at,
      },
    },
    accounts: [{ accountId, ownerId, shard: null, seq: null }],
    ownerIds: [ownerId],
  };
}
