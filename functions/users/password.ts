import { endpoint } from '../../lib/http/endpoint';
import { changePassword } from '../../lib/identity/users';
import { route } from '../../lib/routes/users/password';

/** The handler of the route lib/routes/users/password.ts declares. */
export const handler = endpoint(route, async ({ caller, body }) => {
  await changePassword(caller, body);
  return { body: undefined };
});
