import { endpoint } from '../../lib/http/endpoint';
import { login } from '../../lib/identity/users';
import { route } from '../../lib/routes/users/login';

/** The handler of the route lib/routes/users/login.ts declares. */
export const handler = endpoint(route, async ({ body }) => ({ body: await login(body) }));
