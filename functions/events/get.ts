import { getEvent } from '../../lib/events/list';
import { endpoint } from '../../lib/http/endpoint';
import { route } from '../../lib/routes/events/get';

/** The handler of the route lib/routes/events/get.ts declares. */
export const handler = endpoint(route, async ({ caller, params }) => ({ body: await getEvent(caller, params.id) }));
