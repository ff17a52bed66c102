import { endpoint } from '../../lib/http/endpoint';
import { originOf } from '../../lib/http/input';
import { holdView } from '../../lib/ledger/hold-read';
import { voidHold } from '../../lib/ledger/holds';
import { route } from '../../lib/routes/holds/void';

/** The handler of the route lib/routes/holds/void.ts declares. */
export const handler = endpoint(route, async ({ caller, params, event }) => ({
  body: holdView(caller, await voidHold(caller, params.id, originOf(event))),
}));
