import { endpoint } from '../../lib/http/endpoint';
import { updateAccount } from '../../lib/ledger/account-changes';
import { route } from '../../lib/routes/accounts/update';

/** The handler of the route lib/routes/accounts/update.ts declares. */
export const handler = endpoint(route, async ({ caller, params, body }) => ({ body: await updateAccount(caller, params.id, body) }));
