import { endpoint } from '../../lib/http/endpoint';
import { getProfile } from '../../lib/identity/profile';
import { authenticate } from '../../lib/identity/tokens';

/** `GET /api/v1/users/me`: the caller's profile. */
export const handler = endpoint({ auth: authenticate }, async ({ caller }) => ({
  status: 200,
  body: await getProfile(caller.userId),
}));
