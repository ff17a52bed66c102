import { endpoint } from '../../lib/http/endpoint';
import { registerBody } from '../../lib/identity/schemas';
import { register } from '../../lib/identity/users';

/** `POST /api/v1/users/register`: creates a user with the `user` role. */
export const handler = endpoint({ auth: false, body: registerBody }, async ({ body }) => ({
  status: 201,
  body: await register(body),
}));
