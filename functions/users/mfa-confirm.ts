import { endpoint } from '../../lib/http/endpoint';
import { confirmMfa } from '../../lib/identity/mfa';
import { route } from '../../lib/routes/users/mfa-confirm';

/** The handler of the route lib/routes/users/mfa-confirm.ts declares. */
export const handler = endpoint(route, async ({ caller, body }) => {
  await confirmMfa(caller, body.totp);
  return { body: undefined };
});
