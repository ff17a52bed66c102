import { endpoint } from '../../lib/http/endpoint';
import { logout } from '../../lib/identity/sessions';
import { route } from '../../lib/routes/users/logout';

/** The handler of the route lib/routes/users/logout.ts declares. */
export const handler = endpoint(route, async ({ body }) => {
  await logout(body.refreshToken);
  return { body: undefined };
});
