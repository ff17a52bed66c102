import { RouteNotFoundError } from '../../lib/errors';
import { endpoint } from '../../lib/http/endpoint';
import { route } from '../../lib/routes/meta/not-found';

/** The handler of the catch-all route lib/routes/meta/not-found.ts declares. */
export const handler = endpoint(route, async ({ event }) => {
  throw new RouteNotFoundError(event.requestContext.http.method, event.rawPath);
});
