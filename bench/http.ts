import { Agent, request } from 'node:http';

/** What the API answered. */
export interface HttpAnswer {
  status: number;
  body: string;
}

/** More sockets than any phase has requests in flight, so no request waits for a socket. */
const socketsMax = 64;
const answerBytesMax = 1024 * 1024;

/**
 * One keep-alive agent for every request the bench makes: after the warm-up each request reuses an open connection,
 * so the figures measure requests, not TCP handshakes. node:http costs the client less CPU per request than fetch,
 * and on two shared cores every millisecond the client spends is taken from the API and the database.
 */
const agent = new Agent({ keepAlive: true, maxSockets: socketsMax });

/** POSTs `body` as JSON and reads the whole answer, or fails after `timeoutMs`. */
export function postJson(url: string, body: unknown, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      agent,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(payload.byteLength) },
      timeout: timeoutMs,
    }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.byteLength;
        if (bytes > answerBytesMax) res.destroy(new Error(`The answer from ${url} is over ${answerBytesMax} bytes.`));
        else chunks.push(chunk);
      });
      res.once('error', reject);
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.once('timeout', () => req.destroy(new Error(`No answer from ${url} within ${timeoutMs} ms.`)));
    req.once('error', reject);
    req.end(payload);
  });
}
