import { endpoint } from '../../lib/http/endpoint';
import { route } from '../../lib/routes/webhooks/deliveries';
import { listAttempts } from '../../lib/webhooks/endpoints';

/** The handler of the route lib/routes/webhooks/deliveries.ts declares. */
export const handler = endpoint(route, async ({ caller, params, query }) => ({ body: await listAttempts(caller, params.id, query) }));
