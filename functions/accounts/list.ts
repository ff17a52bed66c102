import { endpoint } from '../../lib/http/endpoint';
import { listAccounts } from '../../lib/ledger/accounts';
import { route } from '../../lib/routes/accounts/list';

/** The handler of the route lib/routes/accounts/list.ts declares. */
export const handler = endpoint(route, async ({ caller, query }) => ({ body: await listAccounts(caller, query) }));
