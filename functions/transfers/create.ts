import { endpoint } from '../../lib/http/endpoint';
import { originOf } from '../../lib/http/input';
import { transfer } from '../../lib/ledger/transfers';
import { route } from '../../lib/routes/transfers/create';

/** The handler of the route lib/routes/transfers/create.ts declares. */
export const handler = endpoint(route, async ({ caller, body, headers, event }) => {
  const { transaction, replayed } = await transfer(caller, body, headers['idempotency-key'], originOf(event));
  return { body: transaction, headers: replayed ? { 'idempotent-replayed': 'true' } : undefined };
});
