import { endpoint } from '../../lib/http/endpoint';
import { originOf } from '../../lib/http/input';
import { postTransaction } from '../../lib/ledger/transfers';
import { route } from '../../lib/routes/transactions/create';

/** The handler of the route lib/routes/transactions/create.ts declares. */
export const handler = endpoint(route, async ({ caller, body, headers, event }) => {
  const { transaction, replayed } = await postTransaction(caller, body, headers['idempotency-key'], originOf(event));
  return { body: transaction, headers: replayed ? { 'idempotent-replayed': 'true' } : undefined };
});
