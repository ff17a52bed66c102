import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { Caller } from '../identity/model';
import { header, parseWith, readJsonBody } from './input';
import { errorResponses, requestLog } from './middleware';

type Schema = z.ZodMiniType;

/** Proves who calls from the `Authorization` header, or throws an `UnauthorizedError`. */
export type Authenticator = (authorization: string | undefined) => Promise<Caller>;

/**
 * What a route declares: how its caller is authenticated (`false` for a public route), and the schemas its inputs must
 * match. A route names its authenticator (`authenticate` from lib/identity/tokens.ts) instead of a flag so that the
 * bundle of a public route holds no token code: the 404 route's bundle is then 7 KiB instead of 90 (jose, zod), and
 * imports in about 20 ms instead of 35-45 (bench/cold-start.ts).
 */
export interface RouteSpec<B extends Schema | undefined, Q extends Schema | undefined, P extends Schema | undefined> {
  auth: Authenticator | false;
  body?: B;
  query?: Q;
  params?: P;
}

type Parsed<S> = S extends Schema ? z.infer<S> : undefined;

/** The parsed request a route's function receives. */
export interface RouteInput<B, Q, P> {
  body: Parsed<B>;
  query: Parsed<Q>;
  params: Parsed<P>;
  /** Set on every route with an authenticator. */
  caller: Caller;
  event: APIGatewayProxyEventV2;
}

/** What a route's function answers: a status and a JSON body, plus any extra headers. */
export interface RouteResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * Wraps a route's function as a Lambda handler: one JSON log line per request, errors mapped to problem responses,
 * the token verified and every input parsed with the route's strict schemas before the function runs.
 */
export function endpoint<B extends Schema | undefined, Q extends Schema | undefined, P extends Schema | undefined>(
  spec: RouteSpec<B, Q, P>,
  fn: (input: RouteInput<B, Q, P>) => Promise<RouteResult>,
) {
  const core = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const caller = spec.auth ? await spec.auth(header(event, 'authorization')) : anonymous;
    const input = {
      body: spec.body ? parseWith(spec.body, readJsonBody(event), 'body') : undefined,
      query: spec.query ? parseWith(spec.query, event.queryStringParameters ?? {}, 'query') : undefined,
      params: spec.params ? parseWith(spec.params, event.pathParameters ?? {}, 'path') : undefined,
      caller,
      event,
    } as RouteInput<B, Q, P>;
    const result = await fn(input);
    return {
      statusCode: result.status,
      headers: { 'content-type': 'application/json', ...result.headers },
      body: JSON.stringify(result.body),
    };
  };
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(requestLog())
    .use(errorResponses())
    .handler(core);
}

/** Routes without `auth` never read the caller; this placeholder keeps the input type simple. */
const anonymous: Caller = { userId: '', role: 'user' };
