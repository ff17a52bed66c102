import { endpoint } from '../../lib/http/endpoint';
import { route } from '../../lib/routes/webhooks/list';
import { listEndpoints } from '../../lib/webhooks/endpoints';

/** The handler of the route lib/routes/webhooks/list.ts declares. */
export const handler = endpoint(route, async ({ caller, query }) => ({ body: await listEndpoints(caller, query) }));
