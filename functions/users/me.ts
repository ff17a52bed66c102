import { endpoint } from '../../lib/http/endpoint';
import { getProfile } from '../../lib/identity/profile';
import { route } from '../../lib/routes/users/me';

/** The handler of the route lib/routes/users/me.ts declares. */
export const handler = endpoint(route, async ({ caller }) => ({ body: await getProfile(caller.userId) }));
