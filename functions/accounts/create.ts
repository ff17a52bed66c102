import { endpoint } from '../../lib/http/endpoint';
import { createAccount } from '../../lib/ledger/accounts';
import { route } from '../../lib/routes/accounts/create';

/** The handler of the route lib/routes/accounts/create.ts declares. */
export const handler = endpoint(route, async ({ caller, body }) => ({ body: await createAccount(caller, body) }));
