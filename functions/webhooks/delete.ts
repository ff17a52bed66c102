import { endpoint } from '../../lib/http/endpoint';
import { route } from '../../lib/routes/webhooks/delete';
import { removeEndpoint } from '../../lib/webhooks/endpoints';

/** The handler of the route lib/routes/webhooks/delete.ts declares. */
export const handler = endpoint(route, async ({ caller, params }) => {
  await removeEndpoint(caller, params.id);
  return { body: undefined };
});
