import { endpoint } from '../../lib/http/endpoint';
import { throttledLogin } from '../../lib/identity/login-throttle';
import { prepareDummyHash } from '../../lib/identity/passwords';
import { login } from '../../lib/identity/users';
import { route } from '../../lib/routes/users/login';

// At cold start, not on the first unknown email: that login would otherwise take a hash longer than the rest.
void prepareDummyHash();

/** The handler of the route lib/routes/users/login.ts declares. */
export const handler = endpoint(route, async ({ body, event }) => {
  const who = { email: body.email, sourceIp: event.requestContext.http.sourceIp };
  return { body: await throttledLogin(who, () => login(body)) };
});
