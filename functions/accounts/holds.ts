import { endpoint } from '../../lib/http/endpoint';
import { listAccountHolds } from '../../lib/ledger/hold-list';
import { route } from '../../lib/routes/accounts/holds';

/** The handler of the route lib/routes/accounts/holds.ts declares. */
export const handler = endpoint(route, async ({ caller, params, query }) => ({ body: await listAccountHolds(caller, params.id, query) }));
