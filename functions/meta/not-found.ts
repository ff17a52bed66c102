import { RouteNotFoundError } from '../../lib/errors';
import { endpoint } from '../../lib/http/endpoint';

/** Every path no route claims: a problem response, not API Gateway's bare message. */
export const handler = endpoint({ auth: false }, async ({ event }) => {
  throw new RouteNotFoundError(event.requestContext.http.method, event.rawPath);
});
