import { endpoint } from '../../lib/http/endpoint';
import { loginBody } from '../../lib/identity/schemas';
import { login } from '../../lib/identity/users';

/** `POST /api/v1/users/login`: exchanges email and password for a bearer token. */
export const handler = endpoint({ auth: false, body: loginBody }, async ({ body }) => ({
  status: 200,
  body: await login(body),
}));
