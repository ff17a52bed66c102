import { endpoint } from '../../lib/http/endpoint';
import { originOf } from '../../lib/http/input';
import { holdView } from '../../lib/ledger/hold-read';
import { placeHold } from '../../lib/ledger/holds';
import { route } from '../../lib/routes/holds/create';

/** The handler of the route lib/routes/holds/create.ts declares. */
export const handler = endpoint(route, async ({ caller, body, headers, event }) => {
  const { hold, replayed } = await placeHold(caller, body, headers['idempotency-key'], originOf(event));
  return { body: holdView(caller, hold), headers: replayed ? { 'idempotent-replayed': 'true' } : undefined };
});
