import { endpoint } from '../../lib/http/endpoint';
import { register } from '../../lib/identity/users';
import { route } from '../../lib/routes/users/register';

/** The handler of the route lib/routes/users/register.ts declares. */
export const handler = endpoint(route, async ({ body }) => ({ body: await register(body) }));
