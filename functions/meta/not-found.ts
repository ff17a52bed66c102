import { MethodNotAllowedError, RouteNotFoundError } from '../../lib/errors';
import { endpoint } from '../../lib/http/endpoint';
import { allowedMethods } from '../../lib/http/allowed-methods';
import { routeMethods } from '../../lib/routes/methods';
import { route } from '../../lib/routes/meta/not-found';

const table = routeMethods();

/** The handler of the catch-all route lib/routes/meta/not-found.ts declares: 405 for a known path, else 404. */
export const handler = endpoint(route, async ({ event }) => {
  const { method } = event.requestContext.http;
  const allowed = allowedMethods(table, event.rawPath);
  throw allowed.length > 0 ? new MethodNotAllowedError(method, event.rawPath, allowed) : new RouteNotFoundError(method, event.rawPath);
});
