import { endpoint } from '../../lib/http/endpoint';
import { getBalance } from '../../lib/ledger/accounts';
import { route } from '../../lib/routes/accounts/balance';

/** The handler of the route lib/routes/accounts/balance.ts declares. */
export const handler = endpoint(route, async ({ caller, params, query }) => ({ body: await getBalance(caller, params.id, query.at) }));
