import { endpoint } from '../../lib/http/endpoint';
import { route } from '../../lib/routes/webhooks/get';
import { endpointView, visibleEndpoint } from '../../lib/webhooks/endpoints';

/** The handler of the route lib/routes/webhooks/get.ts declares. */
export const handler = endpoint(route, async ({ caller, params }) => ({ body: endpointView(await visibleEndpoint(caller, params.id)) }));
