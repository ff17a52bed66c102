import { listEvents } from '../../lib/events/list';
import { endpoint } from '../../lib/http/endpoint';
import { route } from '../../lib/routes/events/list';

/** The handler of the route lib/routes/events/list.ts declares. */
export const handler = endpoint(route, async ({ caller, query }) => ({ body: await listEvents(caller, query) }));
