import { endpoint } from '../../lib/http/endpoint';
import { changeAccountStatus } from '../../lib/ledger/account-changes';
import { route } from '../../lib/routes/accounts/freeze';

/** The handler of the route lib/routes/accounts/freeze.ts declares. */
export const handler = endpoint(route, async ({ caller, params }) => ({ body: await changeAccountStatus(caller, params.id, 'freeze') }));
