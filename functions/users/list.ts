import { endpoint } from '../../lib/http/endpoint';
import { listUsers } from '../../lib/identity/admin';
import { route } from '../../lib/routes/users/list';

/** The handler of the route lib/routes/users/list.ts declares. */
export const handler = endpoint(route, async ({ caller, query }) => ({ body: await listUsers(caller, query) }));
