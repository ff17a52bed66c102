import { endpoint } from '../../lib/http/endpoint';
import { updateUser } from '../../lib/identity/admin';
import { route } from '../../lib/routes/users/update';

/** The handler of the route lib/routes/users/update.ts declares. */
export const handler = endpoint(route, async ({ caller, params, body }) => ({ body: await updateUser(caller, params.id, body) }));
