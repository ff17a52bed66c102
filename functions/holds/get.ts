import { endpoint } from '../../lib/http/endpoint';
import { findVisibleHold, holdView } from '../../lib/ledger/hold-read';
import { route } from '../../lib/routes/holds/get';

/** The handler of the route lib/routes/holds/get.ts declares. */
export const handler = endpoint(route, async ({ caller, params }) => ({ body: holdView(caller, await findVisibleHold(caller, params.id)) }));
