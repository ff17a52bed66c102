import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An entry EventBridge took, as `PutEvents` sent it. */
export interface TakenEntry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: string;
}

/**
 * A stand-in for EventBridge's `PutEvents` (the AWS JSON 1.1 protocol the SDK speaks), on loopback: it keeps every
 * entry it takes, and refuses the next `refuseNext` entries one by one, as EventBridge does when it throttles part of
 * a request. There is no EventBridge on this machine (LocalStack needs Docker), and a partial refusal is the failure
 * the publisher must get right.
 */
export async function startEventBusStub() {
  const taken: TakenEntry[] = [];
  const state = { refuseNext: 0, requests: 0 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      state.requests += 1;
      const target = request.headers['x-amz-target'];
      if (target !== 'AWSEvents.PutEvents') {
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'UnknownOperationException' }));
        return;
      }
      const { Entries } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries: TakenEntry[] };
      const results = Entries.map((entry) => {
        if (state.refuseNext > 0) {
          state.refuseNext -= 1;
          return { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' };
        }
        taken.push(entry);
        return { EventId: randomUUID() };
      });
      const failed = results.filter((result) => 'ErrorCode' in result).length;
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ FailedEntryCount: failed, Entries: results }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    taken,
    state,
    /** The ids of the events taken (their `detail.id`), in order. */
    ids: () => taken.map((entry) => (JSON.parse(entry.Detail) as { id: string }).id),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
