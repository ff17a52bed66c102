import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A proxy in front of DynamoDB Local that can hang chosen calls, as a hung DynamoDB or a dropped connection would,
 * without stopping the DynamoDB Local that other tests share. `stall` names the DynamoDB operation (from the
 * `X-Amz-Target` header) and whether the call reaches DynamoDB first (`answerLost`: it commits, and its answer never
 * comes) or never leaves the proxy (`neverSent`).
 */
export interface StallingProxy {
  url: string;
  stall(operation: string | undefined, mode?: 'answerLost' | 'neverSent'): void;
  /** How many calls of each operation were stalled. */
  stalled: Map<string, number>;
  close(): Promise<void>;
}

/** Starts the proxy on a free loopback port, forwarding to `target`. */
export async function startStallingProxy(target: string): Promise<StallingProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  const stalled = new Map<string, number>();
  let rule: { operation: string; mode: 'answerLost' | 'neverSent' } | undefined;
  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const hang = rule?.operation === operation ? rule.mode : undefined;
    if (hang) stalled.set(operation, (stalled.get(operation) ?? 0) + 1);
    if (hang === 'neverSent') return;
    const forwarded = request({
      host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers,
    }, (answer) => {
      if (hang === 'answerLost') {
        answer.resume();
        return;
      }
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stall: (operation, mode = 'answerLost') => { rule = operation ? { operation, mode } : undefined; },
    stalled,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
