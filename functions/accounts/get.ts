import { endpoint } from '../../lib/http/endpoint';
import { getAccount } from '../../lib/ledger/accounts';
import { route } from '../../lib/routes/accounts/get';

/** The handler of the route lib/routes/accounts/get.ts declares. */
export const handler = endpoint(route, async ({ caller, params }) => ({ body: await getAccount(caller, params.id) }));
