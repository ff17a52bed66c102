import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AppError } from '../errors';
import type { AttemptError } from './model';
import { checkAddresses, checkUrlForm, resolveHost, type UrlPolicy } from './url-policy';

/*
 * One HTTP attempt of a delivery. The URL is checked again, and its host resolved again, here: the connection goes
 * to the address that was checked (a `lookup` of our own answers it), so a name whose answer changed since the
 * endpoint was registered, or changes between our check and the connection, reaches no private address. Redirects
 * are not followed. The whole exchange, the name's resolution and the connection included, has `timeoutMs`; only the
 * status is read.
 */

/** A receiver has this long to answer a 2xx, connection included. */
export const deliveryTimeoutMs = 5_000;

/** What one attempt came to. */
export interface SendResult {
  statusCode: number | null;
  error: AttemptError | null;
  durationMs: number;
}

/** A `lookup` that answers one address, already checked, whatever name it is asked for. */
function pinnedLookup(address: string, family: number): NonNullable<RequestOptions['lookup']> {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as NonNullable<RequestOptions['lookup']>;
}

/** Settles as `timeout` when `signal` aborts. */
function aborted(signal: AbortSignal): Promise<'timeout'> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve('timeout'), { once: true }));
}

/** POSTs `body` with `headers` to `rawUrl`; never throws for anything the receiver or the network does. */
export async function sendWebhook(rawUrl: string, headers: Record<string, string>, body: string, policy: UrlPolicy, timeoutMs = deliveryTimeoutMs): Promise<SendResult> {
  const startedMs = Date.now();
  // One budget for the name's resolution, the connection and the answer: a slow resolver holds the slot no longer.
  const signal = AbortSignal.timeout(timeoutMs);
  const done = (statusCode: number | null, error: AttemptError | null): SendResult => ({ statusCode, error, durationMs: Date.now() - startedMs });
  let pinned: { address: string; family: number };
  let url: URL;
  try {
    const checked = checkUrlForm(rawUrl, policy);
    url = checked.url;
    const addresses = await Promise.race([resolveHost(checked.host), aborted(signal)]);
    if (addresses === 'timeout') return done(null, 'timeout');
    pinned = checkAddresses(checked, addresses, policy);
  } catch (error) {
    if (error instanceof AppError) return done(null, 'address_refused');
    throw error;
  }
  const options: RequestOptions = {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'serverless-payments-webhooks/1' },
    lookup: pinnedLookup(pinned.address, pinned.family),
    agent: false,
    signal,
  };
  return new Promise<SendResult>((resolve) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (response) => {
      const status = response.statusCode ?? null;
      // Only the status counts; what the receiver sends back is not read, and the connection is closed.
      response.destroy();
      resolve(done(status, status !== null && status >= 200 && status < 300 ? null : 'status'));
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      resolve(done(null, error.name === 'AbortError' || error.code === 'ABORT_ERR' ? 'timeout' : 'connection'));
    });
    request.end(body);
  });
}
