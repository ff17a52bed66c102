import { endpoint } from '../../lib/http/endpoint';
import { route } from '../../lib/routes/webhooks/create';
import { createEndpoint } from '../../lib/webhooks/endpoints';

/** The handler of the route lib/routes/webhooks/create.ts declares. */
export const handler = endpoint(route, async ({ caller, body }) => ({ body: await createEndpoint(caller, body) }));
