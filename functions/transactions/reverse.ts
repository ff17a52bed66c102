import { endpoint } from '../../lib/http/endpoint';
import { originOf } from '../../lib/http/input';
import { reverseTransaction } from '../../lib/ledger/reversals';
import { route } from '../../lib/routes/transactions/reverse';

/** The handler of the route lib/routes/transactions/reverse.ts declares. */
export const handler = endpoint(route, async ({ caller, params, body, headers, event }) => {
  const { transaction, replayed } = await reverseTransaction(caller, params.id, body, headers['idempotency-key'], originOf(event));
  return { body: transaction, headers: replayed ? { 'idempotent-replayed': 'true' } : undefined };
});
