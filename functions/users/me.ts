import { endpoint } from '../../lib/http/endpoint';
import { getProfile } from '../../lib/identity/profile';

/** `GET /api/v1/users/me`: the caller's profile. */
export const handler = endpoint({ auth: true }, async ({ caller }) => ({
  status: 200,
  body: await getProfile(caller.userId),
}));
