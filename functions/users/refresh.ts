import { endpoint } from '../../lib/http/endpoint';
import { refreshSession } from '../../lib/identity/sessions';
import { route } from '../../lib/routes/users/refresh';

/** The handler of the route lib/routes/users/refresh.ts declares. */
export const handler = endpoint(route, async ({ body }) => ({ body: await refreshSession(body.refreshToken) }));
