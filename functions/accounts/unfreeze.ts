import { endpoint } from '../../lib/http/endpoint';
import { changeAccountStatus } from '../../lib/ledger/account-changes';
import { route } from '../../lib/routes/accounts/unfreeze';

/** The handler of the route lib/routes/accounts/unfreeze.ts declares. */
export const handler = endpoint(route, async ({ caller, params }) => ({ body: await changeAccountStatus(caller, params.id, 'unfreeze') }));
