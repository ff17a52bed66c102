import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { Caller } from '../identity/model';
import { limits } from '../limits';
import { withDeadline } from '../request-context';
import type { Route, Schema } from '../routes/route';
import { assert, LedgerUnavailableError, StorageUnavailableError, UnauthorizedError, ValidationError } from '../errors';
import { responseHeaders } from './headers';
import { parseWith, readJsonBody, refuseQuery, requireJsonBody, singleHeader } from './input';
import { errorResponses, loggedCaller, requestLog } from './middleware';

/**
 * What `endpoint` reads of a route's declaration (lib/routes/route.ts): its authenticator, schemas and status, and its
 * method (the catch-all, `*`, answers 404 or 405 whatever the query).
 */
export type EndpointSpec = Pick<Route, 'auth' | 'body' | 'query' | 'params' | 'headers' | 'status' | 'location' | 'media'> & { method?: Route['method'] };

type Parsed<R, K extends 'body' | 'query' | 'params'> = R extends { [P in K]: infer S extends Schema } ? z.infer<S> : undefined;

/** The parsed request a route's function receives. */
export interface RouteInput<R extends EndpointSpec> {
  body: Parsed<R, 'body'>;
  query: Parsed<R, 'query'>;
  params: Parsed<R, 'params'>;
  /** The route's declared headers, by lower-case name: each parsed with its schema, `undefined` when absent. */
  headers: Readonly<Record<string, string | undefined>>;
  /** Set on every route with an authenticator. */
  caller: Caller;
  event: APIGatewayProxyEventV2;
}

/** What a route's function answers, with the route's status: a JSON body, plus any extra headers. */
export interface RouteResult {
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * Wraps a route's function as a Lambda handler: one JSON log line per request, errors mapped to problem responses,
 * `alwaysHeaders` on every answer, the token verified, a body's type checked (415) and every input parsed with the
 * route's strict schemas before the function runs.
 */
export function endpoint<R extends EndpointSpec>(route: R, fn: (input: RouteInput<R>) => Promise<RouteResult>) {
  // Every DynamoDB call made for the request is cut off at its deadline, so it answers before Lambda stops it.
  const core = (event: APIGatewayProxyEventV2, context: Context) => withDeadline(
    (context.getRemainingTimeInMillis?.() ?? limits.functionTimeoutMs) - limits.answerMarginMs,
    () => answer(event),
    context.functionName,
  );
  const answer = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    // Two Authorization values are refused as no valid token: which of them would be the caller is not ours to pick.
    const caller = route.auth ? await route.auth(singleHeader(event, 'authorization', () => new UnauthorizedError())) : anonymous;
    if (route.auth) loggedCaller.set(event, caller.userId);
    if (route.body) requireJsonBody(event);
    if (!route.query && route.method !== '*') refuseQuery(event);
    const input = {
      body: route.body ? parseWith(route.body, readJsonBody(event), 'body') : undefined,
      query: route.query ? parseWith(route.query, event.queryStringParameters ?? {}, 'query') : undefined,
      params: route.params ? parseWith(route.params, event.pathParameters ?? {}, 'path') : undefined,
      headers: Object.fromEntries((route.headers ?? []).map(({ name, schema, missing }) => {
        const where = `header.${name.toLowerCase()}`;
        const raw = singleHeader(event, name, () => new ValidationError(
          `The request ${where} is invalid.`, [{ path: where, message: `Must be sent once, with one value: ${name} carries no commas.` }],
        ));
        if (raw === undefined && missing) throw new missing();
        return [name.toLowerCase(), raw === undefined ? undefined : parseWith(schema, raw, where)];
      })),
      caller,
      event,
    } as RouteInput<R>;
    const result = await fn(input);
    // 204 No Content carries no body, and so no content type.
    if (route.status === noContent) return { statusCode: noContent, headers: { ...result.headers } };
    if (route.media) return { statusCode: route.status, headers: { 'content-type': route.media, ...result.headers }, body: String(result.body) };
    return {
      statusCode: route.status,
      headers: { 'content-type': 'application/json', ...locationOf(route, result.body), ...result.headers },
      body: JSON.stringify(result.body),
    };
  };
  // The request's own deadline answers first; should the answer still not be out a few milliseconds before Lambda stops
  // the function (a starved event loop), middy answers for it: a 503 problem, never a 500. A write may then be in
  // flight, so a route that moves money says its outcome is unknown (retry with the same key).
  const movesMoney = (route.headers ?? []).some(({ name }) => name.toLowerCase() === 'idempotency-key');
  const timeoutEarlyResponse = () => {
    throw movesMoney ? new LedgerUnavailableError() : new StorageUnavailableError();
  };
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>({ timeoutEarlyResponse })
    .use(requestLog())
    .use(responseHeaders())
    .use(errorResponses())
    .handler(core);
}

const noContent = 204;

/** The `Location` of what a 201 created: the route's template with the answer's `id`. */
function locationOf(route: EndpointSpec, body: unknown): Record<string, string> {
  if (!route.location) return {};
  const id = (body as { id?: unknown } | null)?.id;
  assert(!route.location.includes('{id}') || typeof id === 'string', 'a route with a Location template answers an id');
  return { location: route.location.replace('{id}', encodeURIComponent(String(id))) };
}

/** Routes without `auth` never read the caller; this placeholder keeps the input type simple. */
const anonymous: Caller = { userId: '', role: 'user', mfa: false };
