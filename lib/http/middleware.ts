import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError } from '../errors';
import { logError, logInfo } from './log';
import { problemResponse } from './problem';

type Middleware = MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

/**
 * Maps any error to a problem response. It must run on every route: in `serverless offline` a handler that throws
 * answers 200, and in AWS it answers a bare 500 without our problem body.
 */
export function errorResponses(): Middleware {
  return {
    onError: async (request) => {
      if (!(request.error instanceof AppError)) {
        logError('unhandled error', request.error, { requestId: request.context.awsRequestId });
      }
      request.response = problemResponse(request.error);
    },
  };
}

/** The user a request was authenticated as, for its log line (set by `endpoint` once the token is verified). */
export const loggedCaller = new WeakMap<object, string>();

/**
 * Writes one structured log line per request: the Lambda and API Gateway request ids, the route, the caller's user id
 * (once its token is verified) and source address, the status and latency. Never headers or bodies.
 */
export function requestLog(): Middleware {
  const started = new WeakMap<object, number>();
  const write = async (request: Parameters<NonNullable<Middleware['after']>>[0]): Promise<void> => {
    const startedMs = started.get(request.event) ?? Date.now();
    const code = request.error ? (request.error instanceof AppError ? request.error.code : 'internal_error') : undefined;
    logInfo('request', {
      requestId: request.context.awsRequestId,
      apiRequestId: request.event.requestContext?.requestId,
      route: request.event.routeKey,
      userId: loggedCaller.get(request.event),
      sourceIp: request.event.requestContext?.http?.sourceIp,
      method: request.event.requestContext?.http?.method,
      status: request.response?.statusCode,
      latencyMs: Date.now() - startedMs,
      ...(code ? { code } : {}),
    });
  };
  return {
    before: async (request) => {
      started.set(request.event, Date.now());
    },
    after: write,
    onError: write,
  };
}
