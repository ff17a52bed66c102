import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema';

export type { components, operations, paths } from './schema';

/** A problem answer (RFC 9457): branch on `code`, and read `type` (`/problems/<code>`) for what to do. */
export type Problem = components['schemas']['Problem'];

/** What the client is made with: the API's address, and where the access token comes from, if anywhere. */
export interface PaymentsClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** The API's address, such as `https://api.example.com` or `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** The access token to send as `Authorization: Bearer`, read before each request; none for public operations. */
  accessToken?: () => string | undefined;
}

/** The typed client: `client.POST('/v1/transfers', { … })`, with paths, bodies, answers and problems typed. */
export type PaymentsClient = Client<paths>;

/**
 * Makes a typed client of the payments API (openapi-fetch over the types generated from its OpenAPI document). Every
 * call answers `{ data, error, response }`: `data` on success, `error` (a `Problem`) on a problem answer.
 */
export function createPaymentsClient({ accessToken, ...options }: PaymentsClientOptions): PaymentsClient {
  const client = createClient<paths>(options);
  if (accessToken) {
    client.use({
      onRequest({ request }) {
        const token = accessToken();
        if (token) request.headers.set('Authorization', `Bearer ${token}`);
        return request;
      },
    });
  }
  return client;
}

/** An operation's JSON request body, by its `operationId`: `RequestBody<'createTransfer'>`. */
export type RequestBody<Id extends keyof operations> = operations[Id] extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;

/** API Gateway's own answer when it throttles a route (429): not a problem. */
export type GatewayThrottle = components['schemas']['GatewayThrottle'];

/** The code of an error answer: a problem's `code`, or `throttled` for API Gateway's 429. */
export function errorCode(error: Problem | GatewayThrottle | undefined): string {
  if (error === undefined) return 'none';
  return 'code' in error ? error.code : 'throttled';
}
