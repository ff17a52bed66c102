import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * Headers every answer carries, success or problem. Answers hold balances, tokens and personal data, so no cache
 * (browser or shared) may keep them; and a browser must never sniff a JSON answer into something it would run.
 */
export const alwaysHeaders: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/** Adds `alwaysHeaders` to whatever the handler or the error mapping answered. */
export function responseHeaders(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  const add = async (request: { response: APIGatewayProxyStructuredResultV2 | null | undefined }): Promise<void> => {
    if (request.response) request.response.headers = { ...request.response.headers, ...alwaysHeaders };
  };
  return { after: add, onError: add };
}
