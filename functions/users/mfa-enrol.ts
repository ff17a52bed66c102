import { endpoint } from '../../lib/http/endpoint';
import { enrolMfa } from '../../lib/identity/mfa';
import { route } from '../../lib/routes/users/mfa-enrol';

/** The handler of the route lib/routes/users/mfa-enrol.ts declares. */
export const handler = endpoint(route, async ({ caller }) => ({ body: await enrolMfa(caller) }));
